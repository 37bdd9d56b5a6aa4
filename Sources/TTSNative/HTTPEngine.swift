internal import CCurl
import Foundation
import Synchronization

/// Lets a sink restart a transfer it paused. Safe to call from any thread.
public struct HTTPTransferControl: Sendable {
    let id: UInt64
    let engine: HTTPEngine

    /// Asks the engine thread to deliver the paused bytes again.
    public func resume() { engine.post(.resume(id)) }
}

extension HTTPBodySink {
    /// Default: a sink that never pauses needs no handle.
    public func attach(_ control: HTTPTransferControl) {}
}

/// Runs HTTP transfers on libcurl's multi interface, on one thread that owns the multi handle.
///
/// Callers `await` ``execute(_:sink:)``; the request goes through a locked inbox and
/// `curl_multi_wakeup`, and its continuation is resumed from the engine thread when curl reports
/// the transfer done. Nothing here runs on Swift's cooperative pool.
public final class HTTPEngine: Sendable {
    enum Command: Sendable {
        case add(UInt64, HTTPTransferRequest, any HTTPBodySink, CheckedContinuation<HTTPTransferResult, any Error>)
        case resume(UInt64)
        case cancel(UInt64)
        case shutdown
    }

    // @unchecked: the pointer is only dereferenced by libcurl on the engine thread, except
    // curl_multi_wakeup, which libcurl documents as callable from any thread.
    private struct MultiRef: @unchecked Sendable { let pointer: UnsafeMutableRawPointer }

    /// Nil when the engine could not be set up (``setupError`` says why).
    private let multi: MultiRef?
    /// Why every transfer is refused: curl_multi_init failed or a connection limit was refused
    /// (without its limits the engine would not bound concurrency as promised).
    private let setupError: String?
    private let inbox = Locked<[Command]>([])
    private let nextID = Atomic<UInt64>(1)
    private let userAgent: String

    /// Starts the engine thread. `maxPerHost` caps connections to one host; `maxTotal` all.
    /// `transferTimeout` (seconds) ends any one transfer that takes longer, body and all, on
    /// top of each request's connect and low-speed limits: a server that drips just fast
    /// enough, or sends an endless error body, cannot hold a night forever. Nil: no limit.
    /// An engine libcurl refuses to set up fails every ``execute(_:sink:)`` with
    /// ``HTTPTransportError/Reason/engine`` instead of trapping.
    public init(maxTotal: Int = 16, maxPerHost: Int = 8, userAgent: String = "ttsarchive", transferTimeout: Double? = nil) {
        _ = CurlGlobal.initialized
        self.userAgent = userAgent
        guard let pointer: UnsafeMutableRawPointer = curl_multi_init() else {
            multi = nil
            setupError = "curl_multi_init failed (out of memory?)"
            return
        }
        var refused: [String] = []
        for (option, value, name) in [
            (CURLMOPT_MAX_TOTAL_CONNECTIONS, maxTotal, "CURLMOPT_MAX_TOTAL_CONNECTIONS"),
            (CURLMOPT_MAX_HOST_CONNECTIONS, maxPerHost, "CURLMOPT_MAX_HOST_CONNECTIONS"),
        ] {
            let code = CCurl_multi_setopt_long(pointer, option, value)
            if code != CURLM_OK { refused.append("curl_multi_setopt(\(name)): \(String(cString: curl_multi_strerror(code)))") }
        }
        // Multiplexing only saves connections: a libcurl without HTTP/2 refuses it and works the same.
        _ = CCurl_multi_setopt_long(pointer, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        guard refused.isEmpty else {
            _ = curl_multi_cleanup(pointer)
            multi = nil
            setupError = refused.joined(separator: "; ")
            return
        }
        multi = MultiRef(pointer: pointer)
        setupError = nil
        let loop = EngineLoop(multi: pointer, userAgent: userAgent, transferTimeout: transferTimeout)
        let thread = Thread { [self] in loop.run(engine: self) }
        thread.name = "ttsarchive.curl"
        thread.start()
    }

    /// Stops the engine thread; transfers still running fail with `.cancelled`.
    public func shutdown() { post(.shutdown) }

    /// Runs one request, streaming its body into `sink`. Returns when the transfer ends; throws
    /// ``HTTPTransportError`` when no response arrived at all.
    public func execute(_ request: HTTPTransferRequest, sink: any HTTPBodySink) async throws -> HTTPTransferResult {
        if let setupError { throw HTTPTransportError(reason: .engine, redactedURL: Redaction.url(request.url), detail: setupError) }
        let id = nextID.add(1, ordering: .relaxed).oldValue
        sink.attach(HTTPTransferControl(id: id, engine: self))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                post(.add(id, request, sink, continuation))
            }
        } onCancel: {
            post(.cancel(id))
        }
    }

    func post(_ command: Command) {
        guard let multi else { return }
        inbox.withLock { $0.append(command) }
        // A wakeup curl refuses costs at most the loop's poll timeout (1 s), never a lost command.
        _ = curl_multi_wakeup(multi.pointer)
    }

    func takeCommands() -> [Command] {
        inbox.withLock { commands in
            defer { commands.removeAll(keepingCapacity: true) }
            return commands
        }
    }
}

/// libcurl's global initialisation, done once before the first handle.
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}
