import Foundation
import TTSArchiveCore
import TTSSimulator

#if canImport(Glibc)
import Glibc
#endif

/// What a raw HTTP/1.1 exchange with the simulator produced, including how the connection ended.
struct RawResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// The connection ended before `Content-Length` bytes of body arrived.
    var endedEarly: Bool
    /// The connection was reset (ECONNRESET) rather than closed.
    var reset: Bool
    var elapsed: Double

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object, or nil when it is not one.
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
}

/// A deliberately plain HTTP/1.1 client over a blocking socket, so tests see exactly what went
/// over the wire: short bodies, resets, redirects (never followed), absurd lengths.
///
/// Each exchange runs on a thread of its own: never on the concurrency pool that the in-process
/// simulator needs to answer it, nor on Dispatch's global queues, which on Linux back that pool.
enum SimulatorHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A GET of a full `http://127.0.0.1:PORT/…` URL (the query sent as written).
    static func request(_ url: String, headers: [(String, String)] = []) async throws -> RawResponse {
        try await request("GET", url, headers: headers)
    }

    /// `GET`/`HEAD`/`POST` to a full `http://127.0.0.1:PORT/…` URL (the query sent as written).
    static func request(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8] = [],
        maxBody: Int = 64 << 20
    ) async throws -> RawResponse {
        guard let parsed = URLComponents(string: url), let port = parsed.port else { throw Failure(description: "bad URL \(url)") }
        let target = parsed.percentEncodedPath + (parsed.percentEncodedQuery.map { "?" + $0 } ?? "")
        var lines = ["\(method) \(target) HTTP/1.1"]
        if !headers.contains(where: { $0.0.lowercased() == "host" }) { lines.append("Host: 127.0.0.1:\(port)") }
        lines += headers.map { "\($0.0): \($0.1)" }
        lines += ["Connection: close", "Content-Length: \(body.count)", "", ""]
        let request = Array(lines.joined(separator: "\r\n").utf8) + body
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result { try exchange(port: port, request: request, isHead: method == "HEAD", maxBody: maxBody) })
            }.start()
        }
    }

    /// Signs a ShowTtsJob-style GET with the simulator's AK/SK, exactly as the SDK would.
    static func signedGet(
        _ sim: MetaStudioSimulator, path: String, query: [QueryItem], accessKey: String? = nil, secretKey: String? = nil,
        projectHeader: String? = nil, date: Date = Date()
    ) -> (url: String, headers: [(String, String)]) {
        let request = SigningRequest(
            method: "GET", scheme: "http", host: "127.0.0.1:\(sim.port)", path: path, query: query,
            headers: [HTTPHeader("X-Project-Id", projectHeader ?? sim.config.projectID)])
        let signer = HuaweiSigner(
            accessKey: accessKey ?? sim.config.accessKey, secretKey: secretKey ?? sim.config.secretKey)
        let signed = signer.sign(request, date: date)
        return (signed.url(for: request), signed.headers.map { ($0.name, $0.value) })
    }

    private static func exchange(port: Int, request: [UInt8], isHead: Bool, maxBody: Int) throws -> RawResponse {
        let started = Date()
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect: errno \(errno)") }
        _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }

        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var reset = false
        var headerEnd: Int?
        var expected: Int?
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == ECONNRESET { reset = true; break }
                throw Failure(description: "recv: errno \(errno)")
            }
            if n == 0 { break }
            data += buffer[0..<n]
            if headerEnd == nil, let end = find([13, 10, 13, 10], in: data) {
                headerEnd = end + 4
                let head = String(decoding: data[0..<end], as: UTF8.self)
                expected = isHead ? 0 : head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
            }
            if let headerEnd, let expected, data.count - headerEnd >= min(expected, maxBody) { break }
        }
        guard let headerEnd else {
            throw Failure(description: "no HTTP head (\(data.count) bytes, reset: \(reset))")
        }
        let headLines = String(decoding: data[0..<(headerEnd - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(headLines[0].split(separator: " ")[1]) ?? 0
        let headers = headLines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let body = Array(data[headerEnd...])
        return RawResponse(
            status: status, headers: headers.map { (name: $0.0, value: $0.1) }, body: body,
            endedEarly: body.count < (expected ?? body.count), reset: reset, elapsed: Date().timeIntervalSince(started))
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
