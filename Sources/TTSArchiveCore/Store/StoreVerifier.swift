import Dispatch
import Foundation
import TTSNative

/// One thing wrong in the store, named precisely.
public struct StoreProblem: Error, Sendable, Hashable, Codable {
    /// The kinds of damage `verify` reports.
    public enum Kind: String, Sendable, Codable {
        /// The gzip stream ends early.
        case truncated
        /// The gzip stream is damaged or its content does not hash to its name.
        case corrupt
        /// A file where no object should be, or with a name that is not an object's.
        case stray
        /// A file a manifest names is not in the store.
        case missing
        /// The object's original size differs from what a manifest says.
        case wrongSize = "wrong_size"
    }

    public var kind: Kind
    public var path: String
    public var detail: String

    public init(kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }
}

/// The outcome of checking every object in a store.
public struct StoreVerification: Sendable, Codable {
    public var objectsChecked: Int
    public var bytesChecked: Int64
    public var problems: [StoreProblem]
    public var isClean: Bool { problems.isEmpty }
}

/// Decompresses and re-hashes every object, on all cores (blocking; run it off the cooperative pool).
public struct StoreVerifier: Sendable {
    public let store: any ObjectStore
    public let parallelism: Int

    public init(store: any ObjectStore, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.store = store
        self.parallelism = max(1, parallelism)
    }

    /// Checks every entry; `progress` is called after each object (from worker threads).
    public func run() throws -> StoreVerification {
        let entries = try store.listEntries()
        var problems: [StoreProblem] = entries.filter { $0.digest == nil }.map {
            StoreProblem(kind: .stray, path: $0.path, detail: "not named sha256/<2 hex>/<64 hex>.gz")
        }
        let objects = entries.compactMap(\.digest)
        let results = Self.parallelMap(objects, parallelism: parallelism) { digest in check(digest) }
        var bytes: Int64 = 0
        for result in results {
            switch result {
            case .success(let size): bytes += size
            case .failure(let problem): problems.append(problem)
            }
        }
        problems.sort { ($0.path, $0.kind.rawValue) < ($1.path, $1.kind.rawValue) }
        return StoreVerification(objectsChecked: objects.count, bytesChecked: bytes, problems: problems)
    }

    /// Checks one object; the original size on success.
    public func check(_ digest: ContentDigest) -> Result<Int64, StoreProblem> {
        do {
            return .success(try store.readObject(digest) { _ in })
        } catch let error as StoreError {
            let kind: StoreProblem.Kind
            switch error.code {
            case .unknownObject: kind = .missing
            case .damaged where error.detail.contains("truncated"): kind = .truncated
            default: kind = .corrupt
            }
            return .failure(StoreProblem(kind: kind, path: digest.objectPath, detail: error.detail.isEmpty ? error.description : error.detail))
        } catch {
            return .failure(StoreProblem(kind: .corrupt, path: digest.objectPath, detail: "\(error)"))
        }
    }

    /// Maps `items` on `parallelism` threads, keeping order.
    static func parallelMap<T: Sendable, R: Sendable>(_ items: [T], parallelism: Int, _ body: @Sendable (T) -> R) -> [R] {
        let results = ResultSlots<R>(count: items.count)
        let workers = min(parallelism, max(1, items.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < items.count {
                results.set(index, body(items[index]))
                index += workers
            }
        }
        return results.values()
    }
}

/// Fixed slots written by distinct indices from several threads.
final class ResultSlots<R: Sendable>: Sendable {
    private let slots: Locked<[R?]>
    init(count: Int) { slots = Locked(Array(repeating: nil, count: count)) }
    func set(_ index: Int, _ value: R) { slots.withLock { $0[index] = value } }
    /// Called once every worker has returned, so every slot is set: a nil would be a worker
    /// that skipped its index, i.e. an object left unverified, which must not pass silently.
    func values() -> [R] { slots.withLock { $0.map { $0! } } }
}
