import Crypto
import Foundation
import TTSArchiveCore

/// Mints and checks OBS-style pre-signed links (`?AccessKeyId=…&Expires=…&Signature=…`).
///
/// As OBS's V2 query signature: HMAC-SHA1 of `GET\n\n\n<Expires>\n/<bucket>/<key>`, base64,
/// percent-encoded in the query. The secret is derived from the seed and never leaves the
/// process, so only links this simulator minted pass.
struct LinkSigner: Sendable {
    let accessKeyID: String
    /// Raw key bytes (`SymmetricKey` is not `Sendable`).
    private let key: [UInt8]

    init(seed: UInt64) {
        var rng = SeededRandom(seed: seed, stream: "obs-link-secret")
        accessKeyID = "SIMOBS" + rng.hex(14).uppercased()
        key = (0..<4).flatMap { _ in withUnsafeBytes(of: rng.next().littleEndian) { Array($0) } }
    }

    /// The query string of a link to `/bucket/objectKey` that expires at `expires` (epoch seconds).
    func query(bucket: String, objectKey: String, expires: Int64) -> String {
        let signature = sign(bucket: bucket, objectKey: objectKey, expires: String(expires))
        return "AccessKeyId=\(accessKeyID)&Expires=\(expires)&Signature=\(PercentEncoding.quote(signature))"
    }

    /// Checks a request's query against the path it asks for, at `now` (epoch seconds).
    /// A bad signature is reported before expiry, so a forged `Expires` never reads as expired.
    func check(bucket: String, objectKey: String, query: [QueryItem], now: Double) -> LinkCheck {
        func value(_ name: String) -> String? { query.last(where: { $0.name == name })?.value }
        guard let accessKey = value("AccessKeyId"), let expiresText = value("Expires"), let given = value("Signature")
        else { return .missingParameters }
        guard accessKey == accessKeyID, let expires = Int64(expiresText) else { return .badSignature }
        let expected = sign(bucket: bucket, objectKey: objectKey, expires: expiresText)
        guard GatewayCrypto.constantTimeEquals(expected, given) else { return .badSignature }
        return Double(expires) < now ? .expired(expires) : .valid
    }

    private func sign(bucket: String, objectKey: String, expires: String) -> String {
        let text = "GET\n\n\n\(expires)\n/\(bucket)/\(objectKey)"
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: key))
        return Data(mac).base64EncodedString()
    }
}

/// The verdict on a download link.
enum LinkCheck: Equatable, Sendable {
    case valid
    case missingParameters
    case badSignature
    case expired(Int64)
}

/// Where an artifact lives in the simulated bucket: `tts/<uid>/<file index>/<name>`.
///
/// Built from the job's internal uid, never from its `job_id`, so a hostile id cannot reach a
/// URL path.
struct ObjectKey: Hashable, Sendable {
    var uid: String
    var fileIndex: Int
    var kind: ArtifactKind

    /// The key's text; the audio's extension follows its format.
    func path(audioFormat: AudioFormat) -> String {
        "tts/\(uid)/\(fileIndex)/" + Self.name(kind, audioFormat)
    }

    private static func name(_ kind: ArtifactKind, _ format: AudioFormat) -> String {
        switch kind {
        case .audio: "audio." + format.rawValue.lowercased()
        case .timestamps: "timestamps.json"
        case .subtitles: "subtitles.srt"
        case .actions: "actions.json"
        }
    }

    /// Reads a key; `formatOf` gives the audio format of the uid's job so the extension can be checked.
    static func parse(_ text: String, formatOf: (String) -> AudioFormat?) -> ObjectKey? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "tts", let index = Int(parts[2]), index >= 0,
            let format = formatOf(String(parts[1]))
        else { return nil }
        for kind in ArtifactKind.allCases where name(kind, format) == parts[3] {
            return ObjectKey(uid: String(parts[1]), fileIndex: index, kind: kind)
        }
        return nil
    }
}
