import Testing
import TTSNative

/// The bound behind igzip's state pool (``ReusePool``): how many objects exist, not only how
/// many wait, so eight busy deflaters do not leave four idle states behind them.
@Suite("ReusePool: reuse within a bound on the objects alive")
struct ReusePoolTests {
    final class Thing: Sendable {
        let kind: Int
        let serial: Int
        init(kind: Int, serial: Int) { self.kind = kind; self.serial = serial }
    }

    final class Maker {
        var made = 0
        func make(_ kind: Int) -> Thing { made += 1; return Thing(kind: kind, serial: made) }
    }

    @Test("below the bound, what is handed back is what the next taker gets")
    func reusesBelowTheBound() {
        let pool = ReusePool<Thing>(capacity: 4)
        let maker = Maker()
        let first = pool.take(where: { $0.kind == 1 }) { maker.make(1) }
        pool.give(first)
        let second = pool.take(where: { $0.kind == 1 }) { maker.make(1) }
        #expect(second === first)
        #expect(maker.made == 1)
        // Another kind is not served by an idle object of the first.
        let other = pool.take(where: { $0.kind == 2 }) { maker.make(2) }
        #expect(other.kind == 2 && maker.made == 2)
        #expect(pool.alive == 2)
    }

    @Test("after a peak of eight holders, at most the capacity stays alive")
    func peakDoesNotLeaveIdleObjectsBehind() {
        let pool = ReusePool<Thing>(capacity: 4)
        let maker = Maker()
        var held = (0..<8).map { _ in pool.take(where: { $0.kind == 1 }) { maker.make(1) } }
        #expect(pool.alive == 8 && pool.idle == 0)
        weak let firstGiven = held.first
        // While more than four are held, each one handed back is dropped (freed), not kept.
        while held.count > 4 {
            pool.give(held.removeFirst())
            #expect(pool.idle == 0)
            #expect(pool.alive == held.count)
        }
        #expect(firstGiven == nil, "a dropped object is freed")
        for thing in held { pool.give(thing) }
        #expect(pool.alive == 4 && pool.idle == 4)
        // The next four takers are served from the shelf.
        let again = (0..<4).map { _ in pool.take(where: { $0.kind == 1 }) { maker.make(1) } }
        #expect(maker.made == 8)
        #expect(Set(again.map(\.serial)) == Set(5...8))
    }

    @Test("over the bound with idle objects, the one idle longest goes and the newest kind stays")
    func dropsTheOldestIdle() {
        let pool = ReusePool<Thing>(capacity: 2)
        let maker = Maker()
        let a = pool.take(where: { $0.kind == 1 }) { maker.make(1) }
        let b = pool.take(where: { $0.kind == 1 }) { maker.make(1) }
        pool.give(a)
        // Now a kind-2 taker: no idle object fits, so a third comes alive.
        let c = pool.take(where: { $0.kind == 2 }) { maker.make(2) }
        #expect(pool.alive == 3)
        pool.give(c)
        // Three alive, bound two: `a`, idle longest, goes; `c` (kind 2) stays on the shelf.
        #expect(pool.alive == 2 && pool.idle == 1)
        let d = pool.take(where: { $0.kind == 2 }) { maker.make(2) }
        #expect(d === c)
        pool.give(b)
        pool.give(d)
        #expect(pool.alive == 2 && pool.idle == 2)
    }

    @Test("a failed make does not count as alive")
    func failedMakeIsNotCounted() {
        struct Refused: Error {}
        let pool = ReusePool<Thing>(capacity: 1)
        #expect(throws: Refused.self) {
            _ = try pool.take(where: { _ in true }) { () throws(Refused) -> Thing in throw Refused() }
        }
        #expect(pool.alive == 0)
    }
}
