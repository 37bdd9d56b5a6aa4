import Foundation
import Hummingbird
import TTSArchiveCore

/// Builders for the simulator's JSON and OBS XML responses.
enum SimulatorResponses {
    /// Stamps `X-Request-Id` (every response) on a header block.
    static func setRequestID(_ id: String, in headers: inout HTTPFields) {
        headers[.init("X-Request-Id")!] = id
    }

    /// Stamps OBS's own `x-obs-request-id` on a download response.
    static func setOBSRequestID(_ id: String, in headers: inout HTTPFields) {
        headers[.init("x-obs-request-id")!] = id
    }

    /// A JSON body with its length.
    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8], headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json;charset=UTF-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// MetaStudio's error envelope `{error_code, error_msg, request_id}`.
    static func apiError(
        _ status: HTTPResponse.Status, code: String, message: String, requestID: String, headers: HTTPFields = [:]
    ) -> Response {
        let body: RawJSON = .object([
            ("error_code", .string(code)), ("error_msg", .string(message)), ("request_id", .string(requestID)),
        ])
        return json(status, body.bytes, headers: headers)
    }

    /// An OBS error document (`application/xml`), as S3-compatible stores send them.
    static func obsError(
        _ status: HTTPResponse.Status, code: String, message: String, requestID: String, resource: String,
        extra: [(String, String)] = [], headers extraHeaders: HTTPFields = [:]
    ) -> Response {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(escape(message))</Message>"
        for (name, value) in extra { xml += "<\(name)>\(escape(value))</\(name)>" }
        xml += "<RequestId>\(requestID)</RequestId><HostId>\(escape(resource))</HostId></Error>"
        var headers = extraHeaders
        headers[.contentType] = "application/xml"
        setOBSRequestID(requestID, in: &headers)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
