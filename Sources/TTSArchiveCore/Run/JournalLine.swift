import Foundation

/// One journal line as bytes, with its own checksum:
///
/// ```
/// {"crc32c":"1a2b3c4d","artifact":{…},"job_id":"…","type":"artifact"}\n
/// ```
///
/// The checksum is CRC-32C (Castagnoli) of the record's JSON as it would be without the
/// `crc32c` key, i.e. of `{` followed by everything after the 22-byte prefix. It is written
/// first so a reader finds it at a fixed place, and inside the JSON so `jq` still reads every
/// line. Lines without the prefix come from journals written before checksums: they are read
/// as plain JSON, but only until the first checksummed line (after that, a line without a
/// checksum is damage, not history).
enum JournalLine {
    /// `{"crc32c":"` — the fixed start of a checksummed line.
    static let prefix = Array(#"{"crc32c":""#.utf8)
    /// The prefix, eight hex digits and `",`.
    static let headerLength = prefix.count + 10

    /// What a line of a journal file turned out to be.
    enum Reading {
        /// A record whose checksum matched (nil when not decoded).
        case checked(JournalRecord?)
        /// A record written before checksums (valid JSON, no checksum).
        case legacy(JournalRecord)
        /// Neither: torn, flipped or foreign bytes.
        case damaged
    }

    /// The bytes to append for `record`, newline included.
    static func encode(_ record: JournalRecord) throws -> Data {
        let json = try Self.json(record)
        var line = prefix
        line.reserveCapacity(json.count + 11)
        line += Array(hex(CRC32C.checksum(json)).utf8)
        line += Array("\",".utf8)
        line += json.dropFirst()
        line.append(0x0a)
        return Data(line)
    }

    /// The record's JSON: an artifact record (one per artifact) by ``ArtifactRecordJSON``,
    /// any other by the encoder.
    static func json(_ record: JournalRecord) throws -> [UInt8] {
        if let jobID = record.jobID, let artifact = record.artifact, record.isPlainArtifact,
           artifact.audioDuration?.isFinite ?? true {
            return ArtifactRecordJSON.encode(jobID: jobID, artifact: artifact)
        }
        return Array(try JournalRecord.encoder.encode(record))
    }

    /// Reads one line (without its newline). Without `decoding`, a checksummed line is only
    /// verified (its checksum alone says it is whole).
    static func read(_ bytes: ArraySlice<UInt8>, decoder: JSONDecoder, decoding: Bool = true) -> Reading {
        if bytes.starts(with: prefix) {
            guard bytes.count > headerLength + 1,
                  let stored = UInt32(String(decoding: bytes.dropFirst(prefix.count).prefix(8), as: UTF8.self), radix: 16),
                  bytes[bytes.startIndex + prefix.count + 8] == UInt8(ascii: "\""),
                  bytes[bytes.startIndex + prefix.count + 9] == UInt8(ascii: ",")
            else { return .damaged }
            let json = [UInt8(ascii: "{")] + bytes.dropFirst(headerLength)
            guard CRC32C.checksum(json) == stored else { return .damaged }
            guard decoding else { return .checked(nil) }
            guard let record = try? decoder.decode(JournalRecord.self, from: Data(json)) else { return .damaged }
            return .checked(record)
        }
        guard let record = try? decoder.decode(JournalRecord.self, from: Data(bytes)) else { return .damaged }
        return .legacy(record)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as iSCSI, ext4 and LevelDB's log use.
/// Table-driven in Swift: journal lines are short, and this keeps C out of the core module.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// The checksum of `bytes`.
    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
