import Testing
@testable import TTSArchiveCore

/// ``JobIDSet`` packs the usual job id form into 16 bytes; packing must never make two
/// different ids one, nor one id two.
@Suite struct JobIDSetTests {
    @Test func packedAndOtherIdsStayDistinct() {
        var set = JobIDSet()
        func insert(_ id: String) -> Bool { set.insert(id) }
        let usual = "0123456789abcdef0123456789abcdef"
        #expect(insert(usual))
        #expect(!insert(usual))
        #expect(insert(usual.uppercased()))                  // another string: another id
        #expect(insert("0123456789abcdef0123456789abcde"))   // 31 digits
        #expect(insert("0123456789abcdef0123456789abcdef0")) // 33 digits
        #expect(insert("0123456789abcdef0123456789abcdeg"))  // not hex
        #expect(insert("fedcba9876543210" + "0123456789abcdef"))  // halves swapped
        #expect(insert("../../etc/passwd"))
        #expect(!insert("../../etc/passwd"))
        #expect(set.count == 7)
        #expect(set.contains(usual) && set.contains(usual.uppercased()) && !set.contains("00000000000000000000000000000000"))
    }

    @Test func manyRandomIdsCountOnce() {
        var set = JobIDSet()
        set.reserveCapacity(1000)
        var strings = Set<String>()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            // Few distinct values, so repeats are common.
            let id = String(repeating: "0", count: 29) + String(Int.random(in: 0..<1500, using: &generator), radix: 16).leftPadded(to: 3)
            let new = set.insert(id)
            let expected = strings.insert(id).inserted
            #expect(new == expected, "\(id)")
        }
        #expect(set.count == strings.count)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
