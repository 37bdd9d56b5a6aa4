import Foundation

/// Verifies the manifests end to end: each file against the v1 schema, the hash chain from
/// `HEAD.json` back to the first manifest, and every object each manifest names (present,
/// decompressing, re-hashing to its digest, with the recorded sizes). Manifests are read on the
/// I/O pool; objects `parallelism` at a time, each object once.
public struct ManifestVerifier: Sendable {
    public let store: any ObjectStore
    /// The manifests folder; nil when there is none (the store alone is checked).
    public let manifestsPath: String?
    /// Presence and sizes only: objects are not decompressed.
    public let quick: Bool
    /// The head digest the operator kept elsewhere (`--expect-head`), lower-case hex.
    public let expectedHead: String?
    public let parallelism: Int

    /// A verifier of `store` and the manifests in `manifestsPath`.
    public init(
        store: any ObjectStore, manifestsPath: String?, quick: Bool = false, expectedHead: String? = nil,
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.store = store
        self.manifestsPath = manifestsPath
        self.quick = quick
        self.expectedHead = expectedHead?.lowercased()
        self.parallelism = max(1, parallelism)
    }

    /// Every manifest in the folder and the chain; with `includeStore`, every file of the store
    /// too (stray files, objects no manifest names). Throws ``TTSArchiveError`` (`.unusableState`)
    /// when the manifests folder cannot be listed.
    public func verifyAll(includeStore: Bool = true) async throws -> ManifestVerification {
        var (report, expectations) = try await IOPool.shared.run { [self] in try readChain() }
        var extra: [ContentDigest] = []
        if includeStore {
            report.storeChecked = true
            for entry in try await store.listEntries() {
                if let digest = entry.digest {
                    extra.append(digest)
                } else {
                    report.problems.append(ManifestProblem(kind: .stray, path: entry.path, detail: "not named sha256/<2 hex>/<64 hex>.gz"))
                }
            }
        }
        await checkObjects(expectations, extra: extra, into: &report)
        return report
    }

    /// The chain from HEAD and every manifest in the folder. Blocking.
    private func readChain() throws -> (ManifestVerification, ObjectExpectations) {
        var report = ManifestVerification()
        report.quick = quick
        var expectations = ObjectExpectations()
        if let manifestsPath {
            let folder = try ManifestFolder(path: manifestsPath)
            var walk = ChainWalk(folder: folder)
            walk.run(into: &expectations)
            report.head = walk.head
            report.chain = walk.chain
            report.manifestsChecked = walk.inspected.count
            report.problems = walk.problems
            if let expectedHead {
                if let head = walk.head {
                    if head.sha256.lowercased() != expectedHead {
                        report.problems.append(ManifestProblem(
                            kind: .headMismatch, path: folder.display("HEAD.json"),
                            detail: "HEAD records sha256 \(head.sha256) (\(head.file)) but \(expectedHead) was expected: the newest manifests may have been removed or replaced"))
                    }
                } else {
                    report.problems.append(ManifestProblem(
                        kind: .headMismatch, path: folder.display("HEAD.json"), detail: "there is no readable HEAD but \(expectedHead) was expected"))
                }
            }
        }
        if manifestsPath == nil, let expectedHead {
            report.problems.append(ManifestProblem(
                kind: .headMismatch, path: "HEAD.json", detail: "there is no manifests folder but head \(expectedHead) was expected"))
        }
        return (report, expectations)
    }

    /// One manifest file, wherever it is: its schema, the objects it names and, when its
    /// predecessor sits in the same folder, its link. With an expected head digest, the file's
    /// own SHA-256 is compared with it.
    public func verifyFile(_ path: String) async throws -> ManifestVerification {
        var (report, expectations) = try await IOPool.shared.run { [self] in try readFile(path) }
        await checkObjects(expectations, extra: [], into: &report)
        return report
    }

    /// One manifest file and its link. Blocking.
    private func readFile(_ path: String) throws -> (ManifestVerification, ObjectExpectations) {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw TTSArchiveError(.configuration, "cannot read the manifest", path: path, fix: "no such file or not readable; check the path given to --manifest")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        var report = ManifestVerification()
        report.quick = quick
        var expectations = ObjectExpectations()
        let inspection = ManifestInspection.inspect(name: name, path: path, bytes: Array(bytes), into: &expectations)
        report.manifestsChecked = 1
        report.chain = [name]
        report.problems = inspection.problems
        if let previous = inspection.previous {
            let folder = ManifestFolder(unchecked: directory.isEmpty ? "." : directory)
            let file = previous.runID + ".json"
            switch folder.read(file) {
            case .success(let previousBytes):
                let sha = ManifestInspection.digest(previousBytes)
                if sha != previous.sha256 {
                    report.problems.append(ManifestProblem(
                        kind: .edited, path: folder.display(file), detail: "sha256 \(sha) but \(name)'s link says \(previous.sha256)"))
                }
            case .failure(.missing):
                if folder.exists("HEAD.json") {
                    report.problems.append(ManifestProblem(kind: .missingManifest, path: folder.display(file), detail: "missing (named by \(name))"))
                }
            case .failure(.unreadable(let reason)):
                report.problems.append(ManifestProblem(kind: .unreadable, path: folder.display(file), detail: reason))
            }
        }
        if let expectedHead, inspection.sha256 != expectedHead {
            report.problems.append(ManifestProblem(
                kind: .headMismatch, path: path, detail: "the file's sha256 is \(inspection.sha256) but \(expectedHead) was expected"))
        }
        return (report, expectations)
    }

    /// Reads every named (and `extra`) object once, in parallel, and turns what was found into problems.
    private func checkObjects(_ expectations: ObjectExpectations, extra: [ContentDigest], into report: inout ManifestVerification) async {
        let digests = Array(Set(expectations.digests).union(extra)).sorted()
        let store = self.store
        let quick = self.quick
        let results = await StoreVerifier.parallelMap(digests, parallelism: parallelism) { digest in
            quick ? await ObjectAudit.quick(digest, in: store) : await ObjectAudit.full(digest, in: store)
        }
        for (digest, result) in zip(digests, results) {
            if case .success(let facts) = result { report.bytesChecked += facts.size ?? 0 }
            report.problems += expectations.problems(for: digest, result)
        }
        report.objectsChecked = digests.count
        report.artifactsChecked = expectations.entries
        report.problems = ManifestProblem.sorted(report.problems)
    }
}
