#if TTSARCHIVE_ISAL
internal import CIsal

/// What one igzip member needs: the stream (with its level buffer) and the input block and
/// output batch of ``IsalGzipDeflater``. Allocated once and reused through ``IsalStreamPool``.
// @unchecked: owned by one deflater at a time (taken from and returned to the pool under its
// lock), so its buffers are never used by two threads at once.
final class IsalStreamState: @unchecked Sendable {
    let level: UInt32
    let stream: UnsafeMutableRawPointer
    let block: UnsafeMutableRawBufferPointer
    let output: UnsafeMutableRawBufferPointer

    init(level: UInt32, blockSize: Int, outputSize: Int) throws(IsalGzipDeflater.Failure) {
        // One allocation for all four parts (see CIsal_deflateCreate).
        guard let stream = CIsal_deflateCreate(level, blockSize + outputSize) else {
            throw IsalGzipDeflater.Failure(operation: "create level \(level)", code: 0)
        }
        self.level = level
        self.stream = stream
        // Non-nil: an offset into the allocation just checked.
        let tail = CIsal_deflateTail(stream)!
        block = UnsafeMutableRawBufferPointer(start: tail, count: blockSize)
        output = UnsafeMutableRawBufferPointer(start: tail + blockSize, count: outputSize)
    }

    deinit { CIsal_deflateFree(stream) }
}

/// Idle igzip states, so that an object does not pay for allocating and clearing ~0.5 MB of
/// state: on a night of 1–4 KB files that setup, not the deflate, would be the cost. A state
/// comes back reset (`isal_deflate_reset`), which starts a member exactly as a fresh state does
/// (the determinism tests write the same content after other content and compare).
enum IsalStreamPool {
    /// At most four states alive for reuse. A writer takes one only once its first 64 KiB block
    /// (or its end) is there (``GzipDeflater/inputBlock``), so on the small-file night the
    /// states in use are the I/O threads' (two threads, two levels), and four cover that churn.
    /// On the audio night eight large transfers hold eight: a state handed back then is freed,
    /// not kept (idle states on top of the busy ones were ~1.8 MB of that night's peak), and a
    /// text artifact's fresh state costs microseconds against its transfer.
    static let shared = ReusePool<IsalStreamState>(capacity: 4)

    static func take(level: UInt32) throws(IsalGzipDeflater.Failure) -> IsalStreamState {
        try shared.take(where: { $0.level == level }) { () throws(IsalGzipDeflater.Failure) in
            try IsalStreamState(level: level, blockSize: IsalGzipDeflater.blockSize, outputSize: IsalGzipDeflater.batchSize)
        }
    }

    static func give(_ state: IsalStreamState) {
        CIsal_deflateReset(state.stream)
        shared.give(state)
    }
}
#endif
