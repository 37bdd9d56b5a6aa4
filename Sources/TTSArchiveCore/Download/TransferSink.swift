import Foundation
import TTSNative

/// An artifact's ``ArtifactDownloadMachine``, shared by the task that drives it and the curl
/// thread that reports response heads and bytes to it.
final class MachineBox: Sendable {
    let machine: Locked<ArtifactDownloadMachine>
    init(_ machine: ArtifactDownloadMachine) { self.machine = Locked(machine) }
    func callAsFunction<R: Sendable>(_ body: (inout ArtifactDownloadMachine) -> R) -> R { machine.withLock { body(&$0) } }
}

/// One attempt's sink, on the curl thread: asks the machine what to do with the response
/// (append, start from zero, keep the error body, or stop), feeds the pipeline, and applies
/// its back-pressure by pausing the transfer.
final class TransferSink: HTTPBodySink {
    struct State {
        var head: HTTPResponseHead?
        var storing = false
        var errorLimit = 0
        var errorBody: [UInt8] = []
        /// An action the machine gave while the transfer ran that ends this attempt.
        var interruption: ArtifactDownloadMachine.Action?
    }

    private let pipeline: ArtifactPipeline
    private let box: MachineBox
    let state = Locked(State())

    init(pipeline: ArtifactPipeline, box: MachineBox) {
        self.pipeline = pipeline
        self.box = box
    }

    func attach(_ control: HTTPTransferControl) { pipeline.attach(control) }

    /// What the machine needs of a response head.
    static func machineHead(_ head: HTTPResponseHead) -> ArtifactDownloadMachine.ResponseHead {
        ArtifactDownloadMachine.ResponseHead(
            status: head.status, contentLength: head.contentLength, contentRange: head.value("content-range"),
            etag: head.value("etag"), retryAfter: head.value("retry-after"))
    }

    func receiveHead(_ head: HTTPResponseHead) -> Bool {
        let machineHead = Self.machineHead(head)
        let action = box { $0.responseHead(machineHead, now: Date()) }
        return state.withLock { state in
            state.head = head
            switch action {
            case .continueWriting(let append):
                if !append { pipeline.reset(etag: head.value("etag")) }
                state.storing = true
                return true
            case .collectErrorBody(let limit):
                state.errorLimit = limit
                return true
            default:
                state.interruption = action
                return false
            }
        }
    }

    func receive(_ bytes: UnsafeRawBufferPointer) -> BodyDisposition {
        let storing = state.withLock { state -> Bool in
            if !state.storing, state.errorBody.count < state.errorLimit {
                state.errorBody.append(contentsOf: bytes.prefix(state.errorLimit - state.errorBody.count))
            }
            return state.storing
        }
        guard storing else { return .accepted }
        guard pipeline.offer(bytes) else { return .pause }
        let action = box { $0.bytesReceived(bytes.count) }
        if case .continueWriting = action { return .accepted }
        state.withLock { $0.interruption = action }
        return .abort
    }
}
