extension ObjectStore {
    /// Streams an object's original bytes to `sink`, checking gzip integrity and that the bytes
    /// hash to the object's name (``ObjectContentCheck``). Throws ``StoreError/Code/damaged``
    /// when they do not; by then `sink` has seen the damaged bytes, so callers that must not
    /// expose them buffer or discard.
    ///
    /// The bytes arrive through the store's async reads; checking them and `sink` (which may
    /// write a file) run on one ``IOStrand`` of the I/O pool, in order, never on the
    /// cooperative pool. With a `limit` (the size a manifest records), `sink` never sees more
    /// than `limit + 1` bytes.
    @discardableResult
    public func readObject(
        _ digest: ContentDigest, limit: Int64? = nil, into sink: @escaping @Sendable (UnsafeRawBufferPointer) throws -> Void = { _ in }
    ) async throws -> ObjectReadFacts {
        let reader = try await openObject(digest)
        let strand = IOPool.shared.strand()
        let check = try SerialBox(ObjectContentCheck(digest, limit: limit, sink: sink))
        while true {
            let piece = try await reader.next()
            if piece.isEmpty { break }
            try await strand.perform { try piece.withUnsafeBytes { try check.value.consume($0) } }
        }
        return try await strand.perform { try check.value.finish() }
    }
}

/// A value that is not `Sendable` handed between threads by one line of work that never
/// touches it twice at once: the work of one ``IOStrand`` (run one item at a time, in order), or
/// the steps of one task, each awaited before the next. Those hand-offs (the strand's lock, an
/// await) order every access, which the compiler cannot see.
// @unchecked: by the rule above, every use is sequential; see the callers.
final class SerialBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
