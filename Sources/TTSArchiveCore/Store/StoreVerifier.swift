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

/// Decompresses and re-hashes every object, `parallelism` at a time (their reads, inflates and
/// hashes run on the I/O pool, see ``ObjectStore/readObject(_:limit:into:)``).
public struct StoreVerifier: Sendable {
    public let store: any ObjectStore
    public let parallelism: Int

    public init(store: any ObjectStore, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.store = store
        self.parallelism = max(1, parallelism)
    }

    /// Checks every entry.
    public func run() async throws -> StoreVerification {
        let entries = try await store.listEntries()
        var problems: [StoreProblem] = entries.filter { $0.digest == nil }.map {
            StoreProblem(kind: .stray, path: $0.path, detail: "not named sha256/<2 hex>/<64 hex>.gz")
        }
        let objects = entries.compactMap(\.digest)
        let results = await Self.parallelMap(objects, parallelism: parallelism) { digest in await check(digest) }
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
    public func check(_ digest: ContentDigest) async -> Result<Int64, StoreProblem> {
        do {
            return .success(try await store.readObject(digest).size)
        } catch let error as StoreError {
            let kind: StoreProblem.Kind
            switch error.code {
            case .unknownObject: kind = .missing
            case .damaged where error.truncated: kind = .truncated
            default: kind = .corrupt
            }
            return .failure(StoreProblem(kind: kind, path: digest.objectPath, detail: error.detail.isEmpty ? error.description : error.detail))
        } catch {
            return .failure(StoreProblem(kind: .corrupt, path: digest.objectPath, detail: "\(error)"))
        }
    }

    /// Maps `items`, at most `parallelism` at once, keeping order.
    static func parallelMap<T: Sendable, R: Sendable>(
        _ items: [T], parallelism: Int, _ body: @escaping @Sendable (T) async -> R
    ) async -> [R] {
        await withTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0
            func start() {
                guard next < items.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await body(items[index])) }
            }
            for _ in 0..<max(1, parallelism) { start() }
            while let (index, result) = await group.next() {
                results[index] = result
                start()
            }
            // Every index was started and every started task returned: a nil here would be an
            // object left unchecked, which must not pass silently.
            return results.map { $0! }
        }
    }
}
