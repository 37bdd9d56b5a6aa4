internal import CZlib

/// A zlib failure, with the operation that failed and zlib's own message.
public struct ZlibError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, in the terms a caller can act on.
    public enum Reason: Sendable, Equatable {
        /// The compressed data is not a valid gzip stream (bad header, bad CRC, bad deflate data).
        case corruptData
        /// The compressed stream ended before its end marker: the file is truncated.
        case truncated
        /// Bytes follow the end of the single gzip member this archive writes.
        case trailingData
        /// zlib could not allocate memory.
        case outOfMemory
        /// zlib rejected its parameters or was used out of order (a bug in this program).
        case internalError
    }

    public let reason: Reason
    public let operation: String
    public let code: Int32
    public let message: String?

    public var description: String {
        let what: String
        switch reason {
        case .corruptData: what = "gzip data is corrupt"
        case .truncated: what = "gzip data is truncated"
        case .trailingData: what = "unexpected bytes after the end of the gzip stream"
        case .outOfMemory: what = "zlib ran out of memory"
        case .internalError: what = "zlib internal error"
        }
        return "\(what) (\(operation): code \(code)\(message.map { ", \($0)" } ?? ""))"
    }

    /// The one place a zlib return code becomes a Swift error.
    static func check(_ code: Int32, _ operation: String, _ stream: UnsafePointer<z_stream>?) throws(ZlibError) {
        guard code != Z_OK && code != Z_STREAM_END && code != Z_BUF_ERROR else { return }
        let message = stream.flatMap { $0.pointee.msg.map { String(cString: $0) } }
        let reason: Reason
        switch code {
        case Z_DATA_ERROR: reason = .corruptData
        case Z_MEM_ERROR: reason = .outOfMemory
        default: reason = .internalError
        }
        throw ZlibError(reason: reason, operation: operation, code: code, message: message)
    }
}
