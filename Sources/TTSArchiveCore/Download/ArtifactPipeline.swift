import Crypto
import Foundation
import TTSNative

/// Carries one artifact's bytes from the curl thread into the store, across attempts: the
/// artifact's one owner between the network and the archive.
///
/// The path of a byte: curl's callback copies it once into `pending` (``offer(_:)``, on the curl
/// thread); the pipeline's ``IOStrand`` (a serial line of work on the fixed pool of I/O
/// threads, ``IOPool``) takes everything pending at once and hashes it (SHA-256 for the name, MD5
/// only when the response's ETag is an MD5 to compare with), checks it and hands it to the
/// store's writer, which deflates and writes it. One hand-off into the I/O world per burst of
/// network reads, not one per curl callback: a drain is queued only when `pending` goes from
/// empty to not empty.
///
/// Back-pressure: when more than `highWater` bytes wait, ``offer(_:)`` answers `false` and the
/// transfer is paused; the lane resumes it once it has taken the bytes. Memory per artifact is
/// therefore bounded by `highWater` plus one curl buffer (and the writer's own buffers).
// @unchecked: `flow` is a `Locked`; every other mutable field is touched only on `lane`, a
// strand: serial, never on two threads at once (marked "Lane-confined" below).
public final class ArtifactPipeline: @unchecked Sendable {
    private let store: any ObjectStore
    private let kind: ArtifactKind
    private let audioFormat: AudioFormat
    private let lane: IOStrand
    private let highWater: Int
    /// Shared by the curl thread (producer) and the lane (consumer).
    private let flow = Locked<Flow>(Flow())
    // Lane-confined state.
    private var writer: (any ObjectWriting)?
    private var md5: Insecure.MD5?
    private var verifier: ArtifactVerifier
    private var failure: (any Error)?
    /// The buffer the lane last drained, handed back to `flow` so the two buffers alternate
    /// instead of being allocated per drain.
    private var spare: [UInt8] = []

    struct Flow {
        /// Bytes from curl that the lane has not taken yet.
        var pending: [UInt8] = []
        /// A drain is queued or running on the lane.
        var draining = false
        /// A restart from byte zero the lane has not applied yet, and whether the new response
        /// carries an MD5 ETag to compute the content's MD5 for.
        var restart: Restart?
        var control: HTTPTransferControl?
        var paused = false
        /// Bytes accepted into the pipeline since the last reset.
        var accepted: Int64 = 0
    }

    struct Restart {
        var computesMD5: Bool
    }

    /// libcurl's usual write-callback size (`CURL_MAX_WRITE_SIZE`).
    static let typicalChunk = 16 << 10

    /// `highWater` is one igzip block (64 KiB): a drain then hands the writer about a block at
    /// a time. Against 128 KiB, the audio night's peak RSS is 4–5 MiB lower at the same speed
    /// (alternating runs, nginx-served, 2026-12-06: 43.7–44.7 against 48.8 MiB, 7.4–7.9 s
    /// against 7.5–7.7 s).
    public init(store: any ObjectStore, kind: ArtifactKind, audioFormat: AudioFormat, pool: IOPool = .shared,
                highWater: Int = 64 << 10) {
        self.store = store
        self.kind = kind
        self.audioFormat = audioFormat
        self.highWater = highWater
        lane = pool.strand()
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
        let schedule = flow.withLock { flow -> Bool? in
            if flow.pending.count >= highWater {
                flow.paused = true
                return nil
            }
            // Grows as usual but never past the most a drain can find (just under `highWater`
            // plus one chunk): doubling had taken the two buffers of each audio transfer to
            // 512 KiB apiece, and a small file must not cost a full-size buffer either.
            let needed = flow.pending.count + bytes.count
            if needed > flow.pending.capacity {
                flow.pending.reserveCapacity(max(needed, min(2 * flow.pending.capacity, highWater + Self.typicalChunk)))
            }
            flow.pending.append(contentsOf: bytes)
            flow.accepted += Int64(bytes.count)
            defer { flow.draining = true }
            return !flow.draining
        }
        guard let schedule else { return false }
        if schedule { lane.submit { [self] in drain() } }
        return true
    }

    /// On the lane: processes what is pending, then, if more came meanwhile, queues another turn
    /// behind the other strands' work (a long WAV takes turns instead of holding a thread).
    private func drain() {
        if drainStep() { lane.submit { [self] in drain() } }
    }

    /// Takes everything pending (and a restart, first) and processes it; true when more bytes
    /// arrived meanwhile. `draining` ends false only when nothing is pending, so bytes that
    /// arrive later get a drain of their own.
    private func drainStep() -> Bool {
        var resume: HTTPTransferControl?
        var restart: Restart?
        let taken = flow.withLock { flow -> Bool in
            restart = flow.restart
            flow.restart = nil
            guard !flow.pending.isEmpty else {
                flow.draining = false
                return false
            }
            swap(&flow.pending, &spare)
            if flow.paused {
                flow.paused = false
                resume = flow.control
            }
            return true
        }
        // The restart was requested before the bytes taken with it arrived: applied first.
        if let restart { apply(restart) }
        guard taken else { return false }
        resume?.resume()
        spare.withUnsafeBytes { consume($0) }
        spare.removeAll(keepingCapacity: true)
        return flow.withLock { flow in
            if flow.pending.isEmpty && flow.restart == nil { flow.draining = false }
            return flow.draining
        }
    }

    private func apply(_ restart: Restart) {
        writer?.abandon()
        writer = nil
        md5 = restart.computesMD5 ? Insecure.MD5() : nil
        verifier = ArtifactVerifier(kind: kind, audioFormat: audioFormat)
        failure = nil
    }

    private func consume(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        do {
            if writer == nil { writer = try store.makeWriter() }
            md5?.update(bufferPointer: bytes)
            verifier.consume(bytes)
            try writer!.write(bytes)
        } catch {
            failure = error
        }
    }

    /// Discards everything received (a restart from byte zero) before the next bytes are taken.
    /// Safe to call from the curl thread when a response turns out to start at zero.
    /// `etag` is the new response's: the content's MD5 is computed only when it is an MD5
    /// (`TransportChecks`), because nothing else compares with it.
    public func reset(etag: String?) {
        let computesMD5 = etag.flatMap(TransportChecks.md5(fromETag:)) != nil
        flow.withLock { flow in
            flow.accepted = 0
            flow.pending.removeAll(keepingCapacity: true)
            flow.restart = Restart(computesMD5: computesMD5)
        }
    }

    /// What the bytes so far amount to, once everything pending is processed.
    public struct Summary: Sendable {
        public var bytes: Int64
        /// Nil when the response offered no MD5 ETag to compare with.
        public var md5: [UInt8]?
        public var verdict: ArtifactVerdict
    }

    /// Waits for pending bytes, then checks them (without committing).
    public func summarize() async throws -> Summary {
        try await lane.perform { [self] in
            while drainStep() {}
            releaseBuffers()
            if let failure { throw failure }
            let bytes = writer?.bytesWritten ?? 0
            return Summary(bytes: bytes, md5: md5.map { Array($0.finalize()) },
                           verdict: verifier.finish(totalBytes: bytes))
        }
    }

    /// Publishes the object in the store. The writer leaves the strand here: its commit waits
    /// for the disk together with other artifacts' (the store's group commit), on no thread.
    public func commit() async throws -> StoredObject {
        let writer = try await lane.perform { [self] () throws -> any ObjectWriting in
            while drainStep() {}
            releaseBuffers()
            if let failure { throw failure }
            defer { self.writer = nil }
            return try self.writer ?? store.makeWriter()
        }
        return try await writer.commit()
    }

    /// Drops the temp file.
    public func abandon() async {
        await lane.perform { [self] in
            // Unlike releaseBuffers(), bytes still pending are dropped too.
            flow.withLock { $0.pending = [] }
            spare = []
            writer?.abandon()
            writer = nil
        }
    }

    /// Frees both byte buffers (lane-confined): once the transfer has ended, the artifact waits
    /// for its check and for the disk with many others, and holding ~0.5 MiB each while it
    /// waits was most of the audio night's heap. A restart after this allocates them again.
    private func releaseBuffers() {
        spare = []
        // Only an empty buffer goes: bytes offered since the last drain are never dropped here.
        flow.withLock { flow in
            if flow.pending.isEmpty { flow.pending = [] }
        }
    }
}
