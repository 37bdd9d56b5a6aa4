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
        case add(UInt64, HTTPRequest, any HTTPBodySink, CheckedContinuation<HTTPTransferResult, any Error>)
        case resume(UInt64)
        case cancel(UInt64)
        case shutdown
    }

    private struct MultiRef: @unchecked Sendable { let pointer: UnsafeMutableRawPointer }

    private let multi: MultiRef
    private let inbox = Locked<[Command]>([])
    private let nextID = Atomic<UInt64>(1)
    private let userAgent: String

    /// Starts the engine thread. `maxPerHost` caps connections to one host; `maxTotal` all.
    /// `transferTimeout` (seconds) ends any one transfer that takes longer, body and all, on
    /// top of each request's connect and low-speed limits: a server that drips just fast
    /// enough, or sends an endless error body, cannot hold a night forever. Nil: no limit.
    public init(maxTotal: Int = 16, maxPerHost: Int = 8, userAgent: String = "ttsarchive", transferTimeout: Double? = nil) {
        _ = CurlGlobal.initialized
        multi = MultiRef(pointer: curl_multi_init())
        self.userAgent = userAgent
        _ = CCurl_multi_setopt_long(multi.pointer, CURLMOPT_MAX_TOTAL_CONNECTIONS, maxTotal)
        _ = CCurl_multi_setopt_long(multi.pointer, CURLMOPT_MAX_HOST_CONNECTIONS, maxPerHost)
        _ = CCurl_multi_setopt_long(multi.pointer, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        let loop = EngineLoop(multi: multi.pointer, userAgent: userAgent, transferTimeout: transferTimeout)
        let thread = Thread { [self] in loop.run(engine: self) }
        thread.name = "ttsarchive.curl"
        thread.start()
    }

    /// Stops the engine thread; transfers still running fail with `.cancelled`.
    public func shutdown() { post(.shutdown) }

    /// Runs one request, streaming its body into `sink`. Returns when the transfer ends; throws
    /// ``HTTPTransportError`` when no response arrived at all.
    public func execute(_ request: HTTPRequest, sink: any HTTPBodySink) async throws -> HTTPTransferResult {
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
        inbox.withLock { $0.append(command) }
        curl_multi_wakeup(multi.pointer)
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
