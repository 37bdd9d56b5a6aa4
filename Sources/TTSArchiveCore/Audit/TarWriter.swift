/// Writes a POSIX ustar archive whose bytes depend only on what is added: one fixed mtime,
/// uid/gid 0, no user or group names, fixed modes (0755 folders, 0644 files). Names longer
/// than ustar's 100 (+155 prefix) bytes and sizes of 8 GiB or more get a pax extended header.
///
/// Entries are written in the order they are added; callers add them sorted. Not thread-safe.
final class TarWriter {
    /// Why an archive could not be written as asked.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// A file's content did not match the size its header promised.
        case sizeMismatch(path: String, declared: Int64, written: Int64)
        /// An entry was added while a file's content was still being written, or after the end.
        case outOfOrder(path: String)

        var description: String {
            switch self {
            case .sizeMismatch(let path, let declared, let written): "\(path): \(written) bytes written, \(declared) declared"
            case .outOfOrder(let path): "\(path) added out of order"
            }
        }
    }

    static let blockSize = 512
    /// tar's customary record: the archive is padded to a multiple of 20 blocks.
    static let recordSize = 10240

    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private let mtime: Int64
    private var bytesOut: Int64 = 0
    private var open: (path: String, size: Int64, written: Int64)?
    private var finished = false

    /// `sink` receives the archive's bytes in order; `mtime` is every entry's time (seconds since 1970).
    init(mtime: Int64, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.mtime = max(0, mtime)
        self.sink = sink
    }

    /// Adds a folder entry (`path` without a trailing slash).
    func addDirectory(_ path: String) throws {
        try header(path + "/", size: 0, type: UInt8(ascii: "5"), mode: 0o755)
    }

    /// Adds a small file whose bytes are at hand.
    func addFile(_ path: String, bytes: [UInt8]) throws {
        try beginFile(path, size: Int64(bytes.count))
        try bytes.withUnsafeBytes { try write($0) }
        try endFile()
    }

    /// Starts a file of `size` bytes; its content follows through ``write(_:)``, then ``endFile()``.
    func beginFile(_ path: String, size: Int64) throws {
        try header(path, size: size, type: UInt8(ascii: "0"), mode: 0o644)
        open = (path, size, 0)
    }

    /// Content of the file begun last.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var file = open else { throw Failure.outOfOrder(path: "(content without a file)") }
        file.written += Int64(bytes.count)
        guard file.written <= file.size else { throw Failure.sizeMismatch(path: file.path, declared: file.size, written: file.written) }
        open = file
        try emit(bytes)
    }

    /// Ends the file begun last, padding it to a whole block.
    func endFile() throws {
        guard let file = open else { throw Failure.outOfOrder(path: "(end without a file)") }
        guard file.written == file.size else { throw Failure.sizeMismatch(path: file.path, declared: file.size, written: file.written) }
        open = nil
        try pad(to: Self.blockSize)
    }

    /// Writes the end-of-archive blocks and pads to a whole record.
    func finish() throws {
        guard open == nil, !finished else { throw Failure.outOfOrder(path: "(end of archive)") }
        finished = true
        try emit([UInt8](repeating: 0, count: 2 * Self.blockSize))
        try pad(to: Self.recordSize)
    }

    private func header(_ path: String, size: Int64, type: UInt8, mode: Int) throws {
        guard open == nil, !finished else { throw Failure.outOfOrder(path: path) }
        let name = Array(path.utf8)
        let split = Self.split(name)
        // 8 GiB and more does not fit ustar's 11 octal digits.
        let sizeFits = size < 0o77777777777
        if split == nil || !sizeFits {
            var records: [UInt8] = []
            if split == nil { records += Self.paxRecord("path", name) }
            if !sizeFits { records += Self.paxRecord("size", Array(String(size).utf8)) }
            let paxName = Array("PaxHeaders/".utf8) + Array(name.suffix(80))
            try emit(Self.block(name: Array(paxName.prefix(100)), prefix: [], size: Int64(records.count), type: UInt8(ascii: "x"), mode: 0o644, mtime: mtime))
            try emit(records)
            try pad(to: Self.blockSize)
        }
        let (prefix, short) = split ?? ([], Array(name.suffix(100)))
        try emit(Self.block(name: short, prefix: prefix, size: sizeFits ? size : 0, type: type, mode: mode, mtime: mtime))
    }

    /// ustar's name/prefix split: the name in at most 100 bytes, or a prefix of at most 155
    /// bytes ending before a `/` and the rest in at most 100; nil when neither fits.
    static func split(_ name: [UInt8]) -> (prefix: [UInt8], name: [UInt8])? {
        if name.count <= 100 { return ([], name) }
        for index in name.indices.reversed() where name[index] == UInt8(ascii: "/") && index <= 155 {
            let rest = Array(name[(index + 1)...])
            // A folder's trailing slash cannot end the prefix: the name would be empty.
            if rest.isEmpty { continue }
            if rest.count <= 100 { return (Array(name[..<index]), rest) }
            break
        }
        return nil
    }

    /// One pax record: `<length> <key>=<value>\n`, where the length counts itself.
    static func paxRecord(_ key: String, _ value: [UInt8]) -> [UInt8] {
        let body = Array(" \(key)=".utf8) + value + [0x0a]
        var length = body.count + 1
        while String(length).utf8.count + body.count != length { length = String(length).utf8.count + body.count }
        return Array(String(length).utf8) + body
    }

    static func block(name: [UInt8], prefix: [UInt8], size: Int64, type: UInt8, mode: Int, mtime: Int64) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: blockSize)
        func put(_ bytes: [UInt8], at offset: Int) { for (i, byte) in bytes.enumerated() { block[offset + i] = byte } }
        func octal(_ value: Int64, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(Int64(mode), width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(mtime, width: 12), at: 136)
        put([UInt8](repeating: 0x20, count: 8), at: 148)
        block[156] = type
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(octal(0, width: 8), at: 329)
        put(octal(0, width: 8), at: 337)
        put(prefix, at: 345)
        let checksum = block.reduce(0) { $0 + Int64($1) }
        put(Array(String(checksum, radix: 8).leftPadded(to: 6).utf8) + [0, 0x20], at: 148)
        return block
    }

    private func emit(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try emit($0) } }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        try sink(bytes)
        bytesOut += Int64(bytes.count)
    }

    private func pad(to multiple: Int) throws {
        let remainder = Int(bytesOut % Int64(multiple))
        if remainder != 0 { try emit([UInt8](repeating: 0, count: multiple - remainder)) }
    }
}

extension String {
    /// Left-padded with zeros to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
