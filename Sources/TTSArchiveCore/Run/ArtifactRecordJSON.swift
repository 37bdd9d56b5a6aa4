import Foundation

/// The JSON of an `artifact` journal record, written by hand: byte for byte what
/// `JournalRecord.encoder` (sorted keys, unescaped slashes, compact) writes for it, a test
/// holds it to that (`JournalLineTests`), at a fraction of the cost.
///
/// Why: one such record is appended per artifact, and on a night of 1–4 KB files the generic
/// `JSONEncoder` path (keyed containers, boxing, a `Data` per record) was 7% of the CPU. Every
/// other record type is rare and keeps the encoder.
enum ArtifactRecordJSON {
    /// `{"artifact":{…},"job_id":"…","type":"artifact"}`.
    static func encode(jobID: String, artifact: ManifestArtifact) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(contentsOf: #"{"artifact":{"#.utf8)
        // Keys in the encoder's order: sorted by their UTF-8 bytes.
        if let duration = artifact.audioDuration {
            out.append(contentsOf: #""audio_duration":"#.utf8)
            out.append(contentsOf: number(duration).utf8)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: #""checks":["#.utf8)
        for (index, check) in artifact.checks.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            string(check, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        // The rest of the keys, in the same sorted order.
        let members: [(key: String, value: Member)] = [
            ("file_index", .integer(Int64(artifact.fileIndex))), ("kind", .string(artifact.kind.rawValue)),
            ("media_type", .string(artifact.mediaType)), ("object", .string(artifact.object)),
            ("sha256", .string(artifact.sha256)), ("size", .integer(artifact.size)), ("source", .string(artifact.source)),
            ("stored_sha256", .string(artifact.storedSHA256)), ("stored_size", .integer(artifact.storedSize)),
        ]
        for member in members {
            out.append(contentsOf: ",\"\(member.key)\":".utf8)
            switch member.value {
            case .string(let text): string(text, into: &out)
            case .integer(let number): out.append(contentsOf: String(number).utf8)
            }
        }
        out.append(contentsOf: #"},"job_id":"#.utf8)
        string(jobID, into: &out)
        out.append(contentsOf: #","type":"artifact"}"#.utf8)
        return out
    }

    /// A member's value: the record has strings and integers only (besides the duration).
    private enum Member {
        case string(String)
        case integer(Int64)
    }

    /// A JSON string as the encoder writes it: `"` and `\` escaped, the control characters as
    /// `\b \f \n \r \t` or `\u00xx`, everything else (slashes, non-ASCII) as is.
    private static func string(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0c: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0a: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0d: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array(#"\u00"#.utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xf)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A double as the encoder writes it: its shortest round-trip form, without a trailing `.0`.
    private static func number(_ value: Double) -> String {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
