internal import CCurl
import Foundation

/// A failed HTTP transfer: what happened, the URL without its query (a signed query string is a
/// secret), curl's code and its error-buffer text.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, grouped by what a caller does about it.
    public enum Reason: Sendable, Equatable {
        case couldNotResolveHost, couldNotConnect, timedOut, connectionReset, partialBody
        case tlsFailure, tooLarge, protocolRefused, sinkFailed, abortedBySink, cancelled
        case badURL, other
        /// libcurl's multi interface refused a call (out of memory, an unusable poll, a bad
        /// handle): the transfer never ran or its state is unknown. Retrying is reasonable;
        /// if it repeats, the process is in trouble, not the server.
        case engine

        /// Worth retrying after a pause.
        public var isTransient: Bool {
            switch self {
            case .couldNotConnect, .timedOut, .connectionReset, .partialBody, .couldNotResolveHost, .engine: return true
            default: return false
            }
        }
    }

    public let reason: Reason
    /// The URL with its query string and credentials removed.
    public let redactedURL: String
    public let curlCode: Int32
    public let detail: String

    public init(reason: Reason, redactedURL: String, curlCode: Int32 = 0, detail: String = "") {
        self.reason = reason
        self.redactedURL = redactedURL
        self.curlCode = curlCode
        self.detail = detail
    }

    public var description: String {
        var text = "\(reason) for \(redactedURL)"
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }

    /// The one place a `CURLcode` becomes a Swift error.
    static func from(_ code: CURLcode, url: String, errorBuffer: String) -> HTTPTransportError {
        let reason: Reason
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: reason = .couldNotResolveHost
        case CURLE_COULDNT_CONNECT: reason = .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT: reason = .timedOut
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM: reason = .connectionReset
        case CURLE_PARTIAL_FILE: reason = .partialBody
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE:
            reason = .tlsFailure
        case CURLE_FILESIZE_EXCEEDED: reason = .tooLarge
        case CURLE_UNSUPPORTED_PROTOCOL: reason = .protocolRefused
        case CURLE_URL_MALFORMAT: reason = .badURL
        case CURLE_WRITE_ERROR: reason = .abortedBySink
        case CURLE_ABORTED_BY_CALLBACK: reason = .cancelled
        default: reason = .other
        }
        let text = errorBuffer.isEmpty ? String(cString: curl_easy_strerror(code)) : errorBuffer
        return HTTPTransportError(
            reason: reason, redactedURL: Redaction.url(url), curlCode: Int32(code.rawValue),
            detail: Redaction.scrub(text, url: url))
    }
}

extension HTTPTransportError {
    /// The one place a `CURLMcode` (the multi interface's result) becomes a Swift error: `call`
    /// names the libcurl function that refused.
    static func multi(_ code: CURLMcode, call: String, url: String) -> HTTPTransportError {
        HTTPTransportError(
            reason: .engine, redactedURL: Redaction.url(url), curlCode: Int32(code.rawValue),
            detail: "\(call): \(String(cString: curl_multi_strerror(code)))")
    }
}
