/// Keeps expensive, reusable objects (igzip states) for the next taker, within a bound on how
/// many exist at all.
///
/// The bound is on the objects alive, held or idle, not on the idle ones: when more than
/// `capacity` are held at once, an object handed back is dropped instead of shelved, so a
/// moment of many holders does not leave `capacity` idle objects on top of them. The object
/// idle longest is dropped first, so the shelf follows the kinds asked for lately.
public final class ReusePool<Item: AnyObject & Sendable>: Sendable {
    /// The most objects kept alive for reuse.
    public let capacity: Int
    private let shelf: Locked<Shelf>

    private struct Shelf {
        var idle: [Item] = []
        /// Objects in existence: idle plus held.
        var alive = 0
    }

    /// An empty pool that keeps at most `capacity` objects alive for reuse.
    public init(capacity: Int) {
        precondition(capacity >= 0, "a pool's capacity cannot be negative")
        self.capacity = capacity
        shelf = Locked(Shelf())
    }

    /// An idle object `fits` accepts (the one shelved last), or a new one from `make`.
    public func take<Failure: Error>(
        where fits: (Item) -> Bool, make: () throws(Failure) -> Item
    ) throws(Failure) -> Item {
        let reused = shelf.withLock { shelf -> Item? in
            if let index = shelf.idle.lastIndex(where: fits) { return shelf.idle.remove(at: index) }
            shelf.alive += 1
            return nil
        }
        if let reused { return reused }
        do {
            return try make()
        } catch {
            shelf.withLock { $0.alive -= 1 }
            throw error
        }
    }

    /// Hands back an object taken from this pool, ready for its next taker. It is shelved, or
    /// dropped (freed once the caller lets go) when more than `capacity` are alive.
    public func give(_ item: Item) {
        // What is dropped is released after the lock is let go.
        let dropped: Item? = shelf.withLock { shelf in
            guard shelf.alive > capacity else {
                shelf.idle.append(item)
                return nil
            }
            shelf.alive -= 1
            guard !shelf.idle.isEmpty else { return item }
            shelf.idle.append(item)
            return shelf.idle.removeFirst()
        }
        _ = dropped
    }

    /// Objects alive now, held or idle.
    public var alive: Int { shelf.withLock { $0.alive } }

    /// Objects idle on the shelf now.
    public var idle: Int { shelf.withLock { $0.idle.count } }
}
