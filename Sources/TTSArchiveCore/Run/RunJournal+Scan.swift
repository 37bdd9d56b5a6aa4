import Foundation

/// Where one journal line is in its file: what a manifest needs to read the record again later
/// instead of keeping it in memory.
public struct JournalSpan: Sendable, Hashable {
    public var offset: Int64
    public var length: Int
}

extension RunJournal {
    /// Calls `body` with every complete record of the journal at `path`, in file order, and where
    /// its line is. Reads the file in chunks, so a night's journal is never held whole. A torn
    /// last line (a crash mid-append) is ignored; an unreadable line followed by others is damage
    /// and throws. A missing journal has no records. Blocking.
    public static func scan(_ path: String, _ body: (JournalRecord, JournalSpan) throws -> Void) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let file = try POSIXFile.openForReading(path)
        let decoder = JSONDecoder()
        var lineNumber = 0
        var unreadableLine: Int?
        func line(_ bytes: ArraySlice<UInt8>, at offset: Int64) throws {
            lineNumber += 1
            guard !bytes.isEmpty else { return }
            // Only the last line can be torn by a crash; a bad line with records after it is damage.
            if let bad = unreadableLine {
                throw TTSArchiveError(.unusableState, "run state \(path) is damaged at line \(bad); move it aside to start the run afresh")
            }
            let record: JournalRecord
            do {
                record = try decoder.decode(JournalRecord.self, from: Data(bytes))
            } catch {
                unreadableLine = lineNumber
                return
            }
            try body(record, JournalSpan(offset: offset, length: bytes.count))
        }
        var carry: [UInt8] = []
        var carryOffset: Int64 = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
            if n == 0 { break }
            carry.append(contentsOf: chunk[..<n])
            var start = carry.startIndex
            while let newline = carry[start...].firstIndex(of: 0x0a) {
                try line(carry[start..<newline], at: carryOffset + Int64(start))
                start = newline + 1
            }
            carry.removeFirst(start)
            carryOffset += Int64(start)
        }
        try line(carry[...], at: carryOffset)
    }
}
