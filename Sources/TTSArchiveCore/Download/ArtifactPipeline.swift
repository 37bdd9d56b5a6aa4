import Crypto
import Dispatch
import Foundation
import TTSNative

/// Carries one artifact's bytes from the curl thread into the store, across attempts.
///
/// The curl thread only copies a chunk and enqueues it; hashing (SHA-256 for the name, MD5 for
/// the ETag), content checks, deflate and file writes run on this pipeline's serial queue, off
/// both the curl thread and Swift's cooperative pool. When more than `highWater` bytes wait,
/// ``offer(_:)`` answers `false` and the transfer is paused; the queue resumes it once it has
/// drained below `lowWater`. Memory per artifact is therefore bounded by `highWater` plus one chunk.
// @unchecked: `flow` is a `Locked`; the other mutable fields are touched only on `queue`, a
// serial queue (marked "Queue-confined" below).
public final class ArtifactPipeline: @unchecked Sendable {
    private let store: any ObjectStore
    private let kind: ArtifactKind
    private let audioFormat: AudioFormat
    private let queue: DispatchQueue
    private let highWater: Int
    private let lowWater: Int
    /// Shared with the curl thread.
    private let flow = Locked<Flow>(Flow())
    // Queue-confined state.
    private var writer: (any ObjectWriting)?
    private var md5 = Insecure.MD5()
    private var verifier: ArtifactVerifier
    private var failure: (any Error)?

    struct Flow {
        var queued = 0
        var control: HTTPTransferControl?
        var paused = false
        /// Bytes accepted into the pipeline since the last reset.
        var accepted: Int64 = 0
    }

    public init(store: any ObjectStore, kind: ArtifactKind, audioFormat: AudioFormat, highWater: Int = 4 << 20) {
        self.store = store
        self.kind = kind
        self.audioFormat = audioFormat
        self.highWater = highWater
        self.lowWater = highWater / 4
        queue = DispatchQueue(label: "ttsarchive.pipeline")
        verifier = ArtifactVerifier(kind: kind, audioFormat: audioFormat)
    }

    /// Bytes accepted since the last reset: where a Range resume starts.
    public var acceptedBytes: Int64 { flow.withLock { $0.accepted } }

    /// Called by a transfer before it starts, so a paused transfer can be resumed.
    func attach(_ control: HTTPTransferControl) {
        flow.withLock { $0.control = control; $0.paused = false }
    }

    /// From the curl thread: takes the whole chunk, or nothing (then the transfer pauses).
    func offer(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let admitted = flow.withLock { flow -> Bool in
            if flow.queued >= highWater {
                flow.paused = true
                return false
            }
            flow.queued += bytes.count
            flow.accepted += Int64(bytes.count)
            return true
        }
        guard admitted else { return false }
        let chunk = [UInt8](bytes)
        queue.async { [self] in
            consume(chunk)
            let resume = flow.withLock { flow -> HTTPTransferControl? in
                flow.queued -= chunk.count
                guard flow.paused, flow.queued <= lowWater else { return nil }
                flow.paused = false
                return flow.control
            }
            resume?.resume()
        }
        return true
    }

    private func consume(_ chunk: [UInt8]) {
        guard failure == nil else { return }
        do {
            if writer == nil { writer = try store.makeWriter() }
            try chunk.withUnsafeBytes { bytes in
                md5.update(bufferPointer: bytes)
                verifier.consume(bytes)
                try writer!.write(bytes)
            }
        } catch {
            failure = error
        }
    }

    /// Discards everything received (a restart from byte zero). Ordered with the chunks: safe
    /// to call from the curl thread when a response turns out to start at zero.
    public func reset() {
        flow.withLock { $0.accepted = 0 }
        queue.async { [self] in
            writer?.abandon()
            writer = nil
            md5 = Insecure.MD5()
            verifier = ArtifactVerifier(kind: kind, audioFormat: audioFormat)
            failure = nil
        }
    }

    /// What the bytes so far amount to, once everything queued is processed.
    public struct Summary: Sendable {
        public var bytes: Int64
        public var md5: [UInt8]
        public var verdict: ArtifactVerdict
    }

    /// Waits for queued bytes, then checks them (without committing).
    public func summarize() async throws -> Summary {
        try await onQueueThrowing { [self] in
            if let failure { throw failure }
            let bytes = writer?.bytesWritten ?? 0
            return Summary(bytes: bytes, md5: Array(md5.finalize()),
                           verdict: verifier.finish(totalBytes: bytes))
        }
    }

    /// Publishes the object in the store (fsync, link, directory fsync).
    public func commit() async throws -> StoredObject {
        try await onQueueThrowing { [self] in
            if let failure { throw failure }
            if writer == nil { writer = try store.makeWriter() }
            let object = try writer!.commit()
            writer = nil
            return object
        }
    }

    /// Drops the temp file.
    public func abandon() async {
        await onQueue { [self] in
            writer?.abandon()
            writer = nil
        }
    }

    private func onQueue(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { continuation in
            queue.async { work(); continuation.resume() }
        }
    }

    private func onQueueThrowing<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
