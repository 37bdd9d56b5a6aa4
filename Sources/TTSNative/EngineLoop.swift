internal import CCurl
import Foundation

/// The engine thread's state and loop: perform → info_read → poll, with commands from the inbox.
/// Everything here is touched by that one thread only.
// @unchecked: handed to the engine thread at start and used by that thread alone.
final class EngineLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let userAgent: String
    private var byID: [UInt64: CurlTransfer] = [:]
    private var byHandle: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var cancelledEarly: Set<UInt64> = []
    /// Milliseconds for CURLOPT_TIMEOUT_MS; nil for none.
    private let transferTimeoutMilliseconds: Int?

    init(multi: UnsafeMutableRawPointer, userAgent: String, transferTimeout: Double?) {
        self.multi = multi
        self.userAgent = userAgent
        // At least 1 ms (0 means "no timeout" to curl); at most what Int holds.
        transferTimeoutMilliseconds = transferTimeout.map { Int(min(max($0 * 1000, 1), Double(Int32.max))) }
    }

    func run(engine: HTTPEngine) {
        var running: Int32 = 0
        while true {
            for command in engine.takeCommands() {
                if !handle(command) {
                    shutDown()
                    return
                }
            }
            let performed = curl_multi_perform(multi, &running)
            if performed != CURLM_OK { failAll { .multi(performed, call: "curl_multi_perform", url: $0) } }
            collectFinished()
            let polled = curl_multi_poll(multi, nil, 0, 1000, nil)
            if polled != CURLM_OK {
                failAll { .multi(polled, call: "curl_multi_poll", url: $0) }
                // A poll that fails at once would spin this thread: wait as a quiet poll would.
                usleep(10_000)
            }
        }
    }

    /// The multi handle refused a call that concerns every transfer: none of them can be
    /// trusted to finish, so each caller gets the error (and its retry policy decides).
    private func failAll(_ error: (String) -> HTTPTransportError) {
        for transfer in Array(byID.values) {
            remove(transfer)
            transfer.fail(error(transfer.url))
        }
    }

    /// Applies one inbox command; false means stop the loop.
    private func handle(_ command: HTTPEngine.Command) -> Bool {
        switch command {
        case .add(let id, let request, let sink, let continuation):
            if cancelledEarly.remove(id) != nil {
                continuation.resume(throwing: HTTPTransportError(reason: .cancelled, redactedURL: Redaction.url(request.url)))
                return true
            }
            start(id: id, request: request, sink: sink, continuation: continuation)
        case .resume(let id):
            if let transfer = byID[id], let code = transfer.easy.unpause() {
                remove(transfer)
                transfer.fail(.from(code, url: transfer.url, errorBuffer: "curl_easy_pause refused to resume the transfer"))
            }
        case .cancel(let id):
            if let transfer = byID[id] {
                remove(transfer)
                transfer.fail(HTTPTransportError(reason: .cancelled, redactedURL: Redaction.url(transfer.url)))
            } else {
                cancelledEarly.insert(id)
            }
        case .shutdown:
            return false
        }
        return true
    }

    private func start(
        id: UInt64, request: HTTPTransferRequest, sink: any HTTPBodySink,
        continuation: CheckedContinuation<HTTPTransferResult, any Error>
    ) {
        let redacted = Redaction.url(request.url)
        guard let easy = CurlEasy() else {
            continuation.resume(throwing: HTTPTransportError(reason: .other, redactedURL: redacted, detail: "curl_easy_init failed"))
            return
        }
        let transfer = CurlTransfer(id: id, easy: easy, url: request.url, sink: sink, upload: request.upload, continuation: continuation)
        do {
            try easy.configure(for: request, userAgent: userAgent)
            if let transferTimeoutMilliseconds { try easy.set(CURLOPT_TIMEOUT_MS, transferTimeoutMilliseconds) }
            // The transfer is retained by `byHandle` until curl lets go of the handle in
            // `remove`, so the unretained pointer handed to C stays valid.
            try easy.setCallbacks(userData: Unmanaged.passUnretained(transfer).toOpaque())
        } catch {
            transfer.fail(HTTPTransportError(reason: .badURL, redactedURL: redacted, detail: "curl option \(error.option) refused (code \(error.code))"))
            return
        }
        let added = curl_multi_add_handle(multi, easy.handle)
        guard added == CURLM_OK else {
            transfer.fail(.multi(added, call: "curl_multi_add_handle", url: request.url))
            return
        }
        byID[id] = transfer
        byHandle[easy.handle] = transfer
    }

    /// Takes the transfer out of the multi handle and the tables. Nil, or the refusal: curl
    /// refuses only a handle it does not hold, so the transfer is out of the loop either way,
    /// but its end can no longer be trusted.
    @discardableResult
    private func remove(_ transfer: CurlTransfer) -> HTTPTransportError? {
        let removed = curl_multi_remove_handle(multi, transfer.easy.handle)
        byID[transfer.id] = nil
        byHandle[transfer.easy.handle] = nil
        return removed == CURLM_OK ? nil : .multi(removed, call: "curl_multi_remove_handle", url: transfer.url)
    }

    private func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = CCurl_msg_result(message)
            guard let transfer = byHandle[UnsafeMutableRawPointer(easy)] else { continue }
            if let refused = remove(transfer) {
                transfer.fail(refused)
            } else {
                transfer.complete(code)
            }
        }
    }

    private func shutDown() {
        for transfer in Array(byID.values) {
            remove(transfer)
            transfer.fail(HTTPTransportError(reason: .cancelled, redactedURL: Redaction.url(transfer.url)))
        }
        // The engine is going away and every transfer has been answered: a refusal here (only
        // for a handle that is not a multi handle) leaves nobody to tell.
        _ = curl_multi_cleanup(multi)
    }
}
