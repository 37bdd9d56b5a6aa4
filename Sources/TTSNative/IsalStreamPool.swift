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
        guard let stream = CIsal_deflateCreate(level) else {
            throw IsalGzipDeflater.Failure(operation: "create level \(level)", code: 0)
        }
        self.level = level
        self.stream = stream
        block = .allocate(byteCount: blockSize, alignment: 64)
        output = .allocate(byteCount: outputSize, alignment: 64)
    }

    deinit {
        CIsal_deflateFree(stream)
        block.deallocate()
        output.deallocate()
    }
}

/// Idle igzip states, so that an object does not pay for allocating and clearing ~0.5 MB of
/// state: on a night of 1–4 KB files that setup, not the deflate, would be the cost. A state
/// comes back reset (`isal_deflate_reset`), which starts a member exactly as a fresh state does
/// (the determinism tests write the same content after other content and compare).
enum IsalStreamPool {
    /// Idle states kept. A writer takes one only once its first 64 KiB block (or its end) is
    /// there (``GzipDeflater/inputBlock``), so states in use are about the large transfers in
    /// flight plus the I/O threads deflating a small object right now; four idle ones cover
    /// the churn of small objects without keeping ~1.6 MB more at the peak.
    static let capacity = 4
    private static let idle = Locked<[IsalStreamState]>([])

    static func take(level: UInt32) throws(IsalGzipDeflater.Failure) -> IsalStreamState {
        let reused = idle.withLock { idle -> IsalStreamState? in
            guard let index = idle.lastIndex(where: { $0.level == level }) else { return nil }
            return idle.remove(at: index)
        }
        if let reused { return reused }
        return try IsalStreamState(level: level, blockSize: IsalGzipDeflater.blockSize, outputSize: IsalGzipDeflater.batchSize)
    }

    static func give(_ state: IsalStreamState) {
        CIsal_deflateReset(state.stream)
        idle.withLock { idle in
            if idle.count < capacity { idle.append(state) }
        }
    }
}
#endif
