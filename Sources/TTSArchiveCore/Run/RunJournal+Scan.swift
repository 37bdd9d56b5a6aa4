import Foundation

/// Where one journal line is in its file: what a manifest needs to read the record again later
/// instead of keeping it in memory.
public struct JournalSpan: Sendable, Hashable {
    public var offset: Int64
    public var length: Int
}

/// What a scan found beyond the records: where the last good line ends, and how long the file is.
/// Bytes between the two are a torn or damaged tail (see ``RunJournal/init(path:)``).
public struct JournalExtent: Sendable, Hashable {
    /// The offset just past the newline of the last record that verified (0 when none did).
    public var goodEnd: Int64
    /// The file's length when it was read.
    public var fileSize: Int64
    /// The first line of the tail that did not verify, when there is such a tail (1-based).
    public var firstBadLine: Int?

    /// True when bytes after the last good record have to be cut before appending.
    public var hasTail: Bool { fileSize > goodEnd }
}

extension RunJournal {
    /// Calls `body` with every good record of the journal at `path`, in file order, and where
    /// its line is. Reads the file in chunks, so a night's journal is never held whole.
    ///
    /// A line is good when its checksum matches (``JournalLine``) or, before the first
    /// checksummed line, when it is a complete JSON record of an older journal. Lines that are
    /// not good are the tail when nothing good follows them (a crash or a short write tore the
    /// last append): they are skipped here, and reported in the returned extent. A bad line
    /// followed by a good one is damage no crash can cause, and throws naming the line (exit 4).
    /// An unterminated last line is tail even when it parses: its append never returned, since
    /// the newline is written with the record. A missing journal has no records. Blocking.
    @discardableResult
    public static func scan(_ path: String, _ body: (JournalRecord, JournalSpan) throws -> Void) throws -> JournalExtent {
        try scan(path, decoding: true) { record, span in try body(record!, span) }
    }

    /// ``scan(_:_:)``, optionally without decoding checksummed lines (the checksum alone says
    /// they are whole): `body` then gets nil for them. Healing a journal needs no records.
    static func scan(_ path: String, decoding: Bool, _ body: (JournalRecord?, JournalSpan) throws -> Void) throws -> JournalExtent {
        guard FileManager.default.fileExists(atPath: path) else { return JournalExtent(goodEnd: 0, fileSize: 0) }
        let file = try POSIXFile.openForReading(path)
        let decoder = JSONDecoder()
        var lineNumber = 0
        var extent = JournalExtent(goodEnd: 0, fileSize: 0)
        var sawChecksums = false
        func line(_ bytes: ArraySlice<UInt8>, at offset: Int64) throws {
            lineNumber += 1
            guard !bytes.isEmpty else { return }
            let record: JournalRecord?
            switch JournalLine.read(bytes, decoder: decoder, decoding: decoding) {
            case .checked(let checked):
                sawChecksums = true
                record = checked
            case .legacy(let legacy) where !sawChecksums:
                record = legacy
            case .legacy, .damaged:
                if extent.firstBadLine == nil { extent.firstBadLine = lineNumber }
                return
            }
            if let bad = extent.firstBadLine {
                throw TTSArchiveError(
                    .unusableState,
                    "run state is damaged at line \(bad): it does not verify and good records follow it (line \(lineNumber))", path: path,
                    fix: "move the file aside to start the window afresh, or restore it from a backup")
            }
            try body(record, JournalSpan(offset: offset, length: bytes.count))
            extent.goodEnd = offset + Int64(bytes.count) + 1
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
        extent.fileSize = carryOffset + Int64(carry.count)
        if !carry.isEmpty && extent.firstBadLine == nil { extent.firstBadLine = lineNumber + 1 }
        return extent
    }

    /// Reads back the record of one good line found by a scan. Blocking.
    static func record(at span: JournalSpan, in file: POSIXFile, path: String, decoder: JSONDecoder) throws -> JournalRecord {
        let bytes = try file.read(at: span.offset, count: span.length)
        switch JournalLine.read(bytes[...], decoder: decoder, decoding: true) {
        case .checked(let record?), .legacy(let record):
            return record
        case .checked(nil), .damaged:
            throw TTSArchiveError(.unusableState, "run state changed while its manifest was written (byte \(span.offset))", path: path, fix: "make sure one run at a time uses this archive, then run again")
        }
    }
}
