import Crypto
import TTSNative

extension ObjectStore {
    /// Streams an object's original bytes to `sink`, checking gzip integrity and that the bytes
    /// hash to the object's name. Throws ``StoreError/Code/damaged`` when they do not; by then
    /// `sink` has seen the damaged bytes, so callers that must not expose them buffer or discard.
    /// Returns the original size.
    ///
    /// With a `limit` (the size a manifest records), `sink` never sees more than `limit + 1`
    /// bytes: an object that inflates beyond it is damaged (or planted), and is reported as
    /// such before it can fill the disk it is being restored to.
    @discardableResult
    public func readObject(
        _ digest: ContentDigest, limit: Int64? = nil, into sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int64 {
        let reader = try openObject(digest)
        let inflater = try GzipInflater()
        var hash = SHA256()
        var size: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 128 * 1024)
        do {
            while true {
                let n = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if n == 0 { break }
                try buffer.withUnsafeBytes { raw in
                    try inflater.update(UnsafeRawBufferPointer(rebasing: raw[0..<n])) { chunk in
                        hash.update(bufferPointer: chunk)
                        size += Int64(chunk.count)
                        if let limit, size > limit {
                            // The byte past the limit is written, so the output shows the overrun.
                            let allowed = chunk.count - Int(size - limit) + 1
                            if allowed > 0 { try sink(UnsafeRawBufferPointer(rebasing: chunk[0..<allowed])) }
                            throw StoreError(.damaged, path: digest.objectPath, detail: "it inflates to more than the \(limit) bytes recorded for it")
                        }
                        try sink(chunk)
                    }
                }
            }
            try inflater.finish()
        } catch let error as ZlibError {
            throw StoreError(.damaged, path: digest.objectPath, detail: error.description)
        }
        let actual = hash.finalize().hexString
        guard actual == digest.hex else {
            throw StoreError(.damaged, path: digest.objectPath, detail: "content hashes to \(actual)")
        }
        return size
    }
}
