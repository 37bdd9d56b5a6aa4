import Foundation
import Testing

@testable import TTSArchiveCore

func verifyJSON(_ bytes: [UInt8], chunkSize: Int = 4096, kind: ArtifactKind = .timestamps, maxDepth: Int = 512)
    -> ArtifactVerdict
{
    var verifier = ArtifactVerifier(kind: kind, options: .init(maxJSONDepth: maxDepth))
    for start in stride(from: 0, to: bytes.count, by: max(1, chunkSize)) {
        verifier.consume(Array(bytes[start..<min(bytes.count, start + chunkSize)]))
    }
    return verifier.finish(totalBytes: Int64(bytes.count))
}

func verifyJSON(_ text: String, chunkSize: Int = 4096) -> ArtifactVerdict {
    verifyJSON(Array(text.utf8), chunkSize: chunkSize)
}

@Suite("JSON verification")
struct ChecksJSONTests {
    @Test(
        "well-formed documents pass",
        arguments: [
            "{}", "[]", " \n\t{ } \r\n", "0", "-0", "12.5e-3", "-0.5E+3", "\"top-level string\"", "true", "null",
            #"{"text":"你好，世界","words":[{"w":"你","start":0,"end":120}],"ok":true,"n":null}"#,
            #"{"esc":"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00","e":[],"o":{}}"#,
            #"[1,-2,3.25,4e10,5E-2,0.0,{"a":[[[]]]}]"#,
            "\u{FEFF}{\"bom\":1}",
        ])
    func wellFormed(text: String) {
        for chunkSize in [1, 2, 4096] {
            let verdict = verifyJSON(text, chunkSize: chunkSize)
            #expect(verdict.checkNames == ["json-parses"], "chunks of \(chunkSize)")
            #expect(verdict.failure == nil)
        }
    }

    @Test(
        "malformed documents fail at the right byte",
        arguments: [
            ("{", ArtifactCheckFailure.jsonInvalid(offset: 1, problem: .unexpectedEnd)),
            ("   ", .jsonInvalid(offset: 3, problem: .unexpectedEnd)),
            (#"{"a"}"#, .jsonInvalid(offset: 4, problem: .unexpectedByte(UInt8(ascii: "}")))),
            (#"{"a":}"#, .jsonInvalid(offset: 5, problem: .unexpectedByte(UInt8(ascii: "}")))),
            ("[1,]", .jsonInvalid(offset: 3, problem: .unexpectedByte(UInt8(ascii: "]")))),
            (#"{"a":1,}"#, .jsonInvalid(offset: 7, problem: .unexpectedByte(UInt8(ascii: "}")))),
            ("[01]", .jsonInvalid(offset: 2, problem: .unexpectedByte(UInt8(ascii: "1")))),
            ("1.", .jsonInvalid(offset: 2, problem: .unexpectedEnd)),
            (".5", .jsonInvalid(offset: 0, problem: .unexpectedByte(UInt8(ascii: ".")))),
            ("-", .jsonInvalid(offset: 1, problem: .unexpectedEnd)),
            ("[1e]", .jsonInvalid(offset: 3, problem: .unexpectedByte(UInt8(ascii: "]")))),
            ("tru", .jsonInvalid(offset: 3, problem: .unexpectedEnd)),
            ("nulL", .jsonInvalid(offset: 3, problem: .unexpectedByte(UInt8(ascii: "L")))),
            (#"{"a":1}}"#, .jsonInvalid(offset: 7, problem: .unexpectedByte(UInt8(ascii: "}")))),
            (#"{"a":1} x"#, .jsonInvalid(offset: 8, problem: .unexpectedByte(UInt8(ascii: "x")))),
            ("[1 2]", .jsonInvalid(offset: 3, problem: .unexpectedByte(UInt8(ascii: "2")))),
            (#""abc"#, .jsonInvalid(offset: 4, problem: .unexpectedEnd)),
            (#""\x""#, .jsonInvalid(offset: 2, problem: .unexpectedByte(UInt8(ascii: "x")))),
            (#""\u12G4""#, .jsonInvalid(offset: 5, problem: .unexpectedByte(UInt8(ascii: "G")))),
            ("\"tab\there\"", .jsonInvalid(offset: 4, problem: .unexpectedByte(0x09))),
            ("{'a':1}", .jsonInvalid(offset: 1, problem: .unexpectedByte(UInt8(ascii: "'")))),
            ("NaN", .jsonInvalid(offset: 0, problem: .unexpectedByte(UInt8(ascii: "N")))),
            ("[1]]", .jsonInvalid(offset: 3, problem: .unexpectedByte(UInt8(ascii: "]")))),
            ("[}", .jsonInvalid(offset: 1, problem: .unexpectedByte(UInt8(ascii: "}")))),
            ("", .empty),
        ])
    func malformed(text: String, expected: ArtifactCheckFailure) {
        for chunkSize in [1, 4096] {
            let verdict = verifyJSON(text, chunkSize: chunkSize)
            #expect(verdict.failure == expected, "chunks of \(chunkSize)")
            #expect(!verdict.isVerified)
        }
    }

    @Test(
        "strings must be UTF-8",
        arguments: [
            [0xC0, 0xAF],  // overlong "/"
            [0xE0, 0x80, 0xAF],  // overlong, three bytes
            [0xED, 0xA0, 0x80],  // a UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
            [0xF5, 0x80, 0x80, 0x80],  // never a lead byte
            [0x80],  // a lone continuation
            [0xE4, 0xBD],  // cut short by the closing quote
        ] as [[UInt8]])
    func invalidUTF8(sequence: [UInt8]) {
        let bytes = Array("[\"a".utf8) + sequence + Array("\"]".utf8)
        let verdict = verifyJSON(bytes)
        guard case .jsonInvalid(_, let problem) = verdict.failure else {
            Issue.record("expected a JSON failure, got \(String(describing: verdict.failure))")
            return
        }
        #expect(problem == .invalidUTF8)
    }

    @Test("a BOM that is not one is refused, not skipped")
    func brokenBOM() {
        #expect(verifyJSON([0xEF, 0x7B, 0x7D]).failure == .jsonInvalid(offset: 0, problem: .unexpectedByte(0xEF)))
    }

    @Test("nesting is bounded: deep documents pass up to the limit and fail beyond it")
    func nesting() {
        let atLimit = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(verifyJSON(atLimit).isVerified)
        let beyond = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(verifyJSON(beyond).failure == .jsonInvalid(offset: 512, problem: .nestingTooDeep(limit: 512)))
        let objects = String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40)
        #expect(
            verifyJSON(Array(objects.utf8), maxDepth: 39).failure
                == .jsonInvalid(offset: 39 * 5, problem: .nestingTooDeep(limit: 39)))
    }

    @Test("hostile input: a million open brackets fail cleanly instead of crashing")
    func hostileNesting() {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(
            verifyJSON(bytes, chunkSize: 65_536).failure
                == .jsonInvalid(offset: 512, problem: .nestingTooDeep(limit: 512)))
    }

    @Test("a large document streams through in small pieces")
    func largeDocument() {
        var text = "["
        for index in 0..<200_000 { text += #"{"i":\#(index),"t":"词\#(index)","v":-\#(index).5e-1},"# }
        text += "null]"
        let bytes = Array(text.utf8)
        #expect(bytes.count > 5_000_000)
        #expect(verifyJSON(bytes, chunkSize: 65_536).isVerified)
        var truncated = bytes
        truncated.removeLast(3)
        #expect(
            verifyJSON(truncated, chunkSize: 65_536).failure
                == .jsonInvalid(offset: Int64(truncated.count), problem: .unexpectedEnd))
    }

    @Test("action files are checked the same way")
    func actionFiles() {
        #expect(verifyJSON(Array(#"{"actions":[]}"#.utf8), kind: .actions).checks == [.jsonParses])
        #expect(verifyJSON(Array(#"{"actions":[}"#.utf8), kind: .actions).failure != nil)
    }

    /// Agreement with Foundation's parser on random strings over JSON's structural alphabet.
    @Test("agrees with JSONSerialization on random structural noise")
    func agreesWithFoundation() throws {
        let alphabet = Array(#"[]{}":,0123-.eE tfalsnru\"#.utf8)
        var generator = RetryPolicy.SeededGenerator(seed: 42)
        var disagreements: [String] = []
        var valid = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...12, using: &generator)
            var bytes = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            if Bool.random(using: &generator) { bytes = Array("[".utf8) + bytes + Array("]".utf8) }
            let ours = verifyJSON(bytes).isVerified
            let theirs = (try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)) != nil
            if ours { valid += 1 }
            // Foundation accepts a trailing comma (`[1,]`), which RFC 8259 does not; that is
            // its leniency, not a fault here.
            let text = String(decoding: bytes, as: UTF8.self)
            let trailingComma = text.range(of: #",\s*[\]}]"#, options: .regularExpression) != nil
            if ours != theirs, !(theirs && trailingComma) { disagreements.append(text) }
        }
        #expect(valid > 50, "the noise should contain some valid documents")
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }
}
