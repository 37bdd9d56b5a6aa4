import Foundation
import TTSArchiveCore
import TTSNative
import TTSSimulator

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback TCP listener that keeps the exact bytes of every HTTP/1.1 request it receives and
/// answers each with what `respond` returns, then closes the connection.
///
/// Unlike the simulator (an HTTP framework that may normalise what it parses), this sees what
/// libcurl really put on the socket: header names in their case, headers nobody asked for.
final class WireCapture: Sendable {
    /// One request as it arrived.
    struct Captured: Sendable {
        var method: String
        var target: String
        /// Every header line in order, exactly as sent.
        var headers: [HTTPHeader]
        var body: [UInt8]

        var gateway: GatewayRequest {
            let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            return GatewayRequest(
                method: method, rawPath: String(parts[0]), rawQuery: parts.count > 1 ? String(parts[1]) : "",
                headers: headers, body: body)
        }
    }

    /// What to answer: status, extra headers, body.
    typealias Responder = @Sendable (Captured) -> (status: Int, headers: [(String, String)], body: [UInt8])

    let port: Int
    private let listener: Int32
    private let captured = Locked<[Captured]>([])
    private let respond: Responder

    init(respond: @escaping Responder) throws {
        self.respond = respond
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        listener = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0
                    && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw CaptureError(what: "bind 127.0.0.1:0", code: errno) }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Stops accepting; requests already captured stay readable.
    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    var requests: [Captured] { captured.withLock { $0 } }

    var url: String { "http://127.0.0.1:\(port)" }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            serve(connection)
            close(connection)
        }
    }

    private func serve(_ connection: Int32) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func readMore() -> Bool {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            bytes += buffer[0..<count]
            return true
        }
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            guard readMore() else { return }
            headEnd = bytes.indices.dropLast(3).first { bytes[$0..<$0 + 4].elementsEqual(terminator) }
        }
        guard let headEnd else { return }
        let lines = String(decoding: bytes[0..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3 else { return }
        let headers = lines.dropFirst().compactMap { line -> HTTPHeader? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return HTTPHeader(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        while bytes.count < headEnd + 4 + length { guard readMore() else { return } }
        let request = Captured(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers,
            body: Array(bytes[(headEnd + 4)..<(headEnd + 4 + length)]))
        captured.withLock { $0.append(request) }
        let answer = respond(request)
        var head = "HTTP/1.1 \(answer.status) Answer\r\nContent-Length: \(answer.body.count)\r\nConnection: close\r\n"
        for (name, value) in answer.headers { head += "\(name): \(value)\r\n" }
        let response = Array((head + "\r\n").utf8) + (request.method == "HEAD" ? [] : answer.body)
        _ = response.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    struct CaptureError: Error { let what: String; let code: Int32 }
}
