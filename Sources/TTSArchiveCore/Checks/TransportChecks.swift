/// Checks of what arrived against what the server announced: length and `ETag` MD5.
public enum TransportChecks {
    /// `content-length`: the byte count equals the announced length. Not applicable when the
    /// server announced none (chunked transfer).
    public static func byteCount(received: Int64, contentLength: Int64?) -> ArtifactCheckOutcome {
        guard let contentLength else { return .notApplicable }
        guard received == contentLength else {
            return .failed(.contentLengthMismatch(received: received, expected: contentLength))
        }
        return .passed(.contentLength)
    }

    /// The MD5 an `ETag` states, when it is one: a strong tag of exactly 32 hex digits.
    ///
    /// OBS (like S3) sets the ETag of a simply uploaded object to the MD5 of its bytes. A weak
    /// tag (`W/"…"`) promises no byte equality, and a multipart upload's tag (`"<hex>-<parts>"`)
    /// is an MD5 of part MD5s, so neither says anything about the content.
    public static func md5(fromETag etag: String) -> [UInt8]? {
        var text = Substring(etag)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        guard !text.hasPrefix("W/") else { return nil }
        if text.count >= 2, text.first == "\"", text.last == "\"" { text = text.dropFirst().dropLast() }
        let digits = Array(text.utf8)
        guard digits.count == 32 else { return nil }
        var md5: [UInt8] = []
        md5.reserveCapacity(16)
        for pair in stride(from: 0, to: 32, by: 2) {
            guard let high = hexValue(digits[pair]), let low = hexValue(digits[pair + 1]) else { return nil }
            md5.append(high << 4 | low)
        }
        return md5
    }

    /// `etag-md5`: the content's MD5 (computed by the caller while streaming) equals the MD5
    /// the `ETag` states. Not applicable when there is no ETag or it is not an MD5.
    public static func etag(_ etag: String?, matchesMD5 digest: some Sequence<UInt8>) -> ArtifactCheckOutcome {
        guard let etag, let expected = md5(fromETag: etag) else { return .notApplicable }
        let computed = Array(digest)
        guard computed == expected else {
            let hex = computed.map { byte in
                let digits = Array("0123456789abcdef".utf8)
                return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
            }
            return .failed(.etagMismatch(etag: etag, computedMD5: hex.joined()))
        }
        return .passed(.etagMD5)
    }

    /// `etag-md5` with the content's MD5 given as hex digits (either letter case).
    public static func etag(_ etag: String?, matchesMD5Hex hex: String) -> ArtifactCheckOutcome {
        guard let digest = md5(fromETag: hex) else {
            // A malformed local digest is not evidence against the content; it cannot be judged.
            return .notApplicable
        }
        return self.etag(etag, matchesMD5: digest)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
