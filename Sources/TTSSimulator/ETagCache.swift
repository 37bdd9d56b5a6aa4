import Crypto
import TTSNative

/// MD5 ETags of artifacts, computed once per distinct content and then remembered.
///
/// Only the 32-character digests are kept, never the bytes. Concurrent first requests for the
/// same content share one computation, which matters for a 2 GiB file (seconds of hashing).
final class ETagCache: Sendable {
    private let state = Locked<[ArtifactContent: Task<String, Never>]>([:])

    /// The quoted hex MD5 of the whole body, e.g. `"9e107d9d372bb6826bd81d3542a419d6"`.
    func etag(for content: ArtifactContent, body: ArtifactBody) async -> String {
        let task = state.withLock { tasks in
            if let existing = tasks[content] { return existing }
            let task = Task { Self.digest(body) }
            tasks[content] = task
            return task
        }
        return await task.value
    }

    private static func digest(_ body: ArtifactBody) -> String {
        var md5 = Insecure.MD5()
        var offset = 0
        while offset < body.size {
            let chunk = body.chunk(at: offset, maxLength: 1 << 20)
            chunk.withUnsafeReadableBytes { md5.update(bufferPointer: $0) }
            offset += chunk.readableBytes
        }
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in md5.finalize() {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}
