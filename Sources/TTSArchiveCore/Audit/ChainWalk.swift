import Crypto
import Foundation

/// Follows the hash chain from `HEAD.json` back to the first manifest, then reads the
/// manifests the chain never reached, naming every broken link on the way.
struct ChainWalk {
    let folder: ManifestFolder
    /// HEAD, when it could be read and names a plausible file.
    private(set) var head: ManifestHead?
    /// File names from HEAD back, newest first.
    private(set) var chain: [String] = []
    /// Every manifest read, by file name.
    private(set) var inspected: [String: ManifestInspection] = [:]
    private(set) var problems: [ManifestProblem] = []
    /// Every name the walk tried to read, readable or not, so none is reported twice.
    private var seen = Set<String>()

    init(folder: ManifestFolder) { self.folder = folder }

    /// A link to follow: the file it names, the digest it records, and who records it.
    private struct Link {
        var file: String
        var sha256: String
        /// `HEAD.json says` or `X.json's link says`, for messages.
        var recordedBy: String
        var source: String
    }

    mutating func run(into expectations: inout ObjectExpectations) {
        let names: [String]
        do {
            names = try folder.manifestNames()
        } catch {
            problems.append(ManifestProblem(kind: .unreadable, path: folder.path, detail: "\(error)"))
            return
        }
        var breakPoint: String?
        if let start = readHead(manifestCount: names.count) {
            breakPoint = follow(start, into: &expectations)
        } else if !names.isEmpty {
            breakPoint = "HEAD.json"
        }
        for name in names where !seen.contains(name) {
            let inspection = inspect(name, bytes: nil, into: &expectations)
            let why = breakPoint.map { " (the chain breaks at \($0))" } ?? ""
            problems.append(ManifestProblem(
                kind: .unreachable, path: folder.display(name),
                detail: "in the folder but not reachable from HEAD.json\(why)"
                    + (inspection?.runID.map { "; it holds run \($0)" } ?? "")))
        }
    }

    /// Reads HEAD.json; nil (with a problem when manifests exist) when there is none to follow.
    private mutating func readHead(manifestCount: Int) -> Link? {
        let path = folder.display("HEAD.json")
        switch folder.read("HEAD.json") {
        case .failure(.missing):
            if manifestCount > 0 {
                problems.append(ManifestProblem(kind: .head, path: path, detail: "missing, but the folder holds \(manifestCount) manifest(s)"))
            }
            return nil
        case .failure(.unreadable(let reason)):
            problems.append(ManifestProblem(kind: .head, path: path, detail: reason))
            return nil
        case .success(let bytes):
            guard let head = try? JSONDecoder().decode(ManifestHead.self, from: Data(bytes)) else {
                problems.append(ManifestProblem(kind: .head, path: path, detail: "not a {run_id, file, sha256} JSON object"))
                return nil
            }
            guard SafePathComponent.isPlain(head.runID), head.file == head.runID + ".json" else {
                problems.append(ManifestProblem(
                    kind: .head, path: path, detail: "names file \"\(head.file)\" for run \"\(head.runID)\"; expected <run_id>.json with a plain run id"))
                return nil
            }
            guard let digest = ContentDigest(hex: head.sha256) else {
                problems.append(ManifestProblem(kind: .head, path: path, detail: "\"\(head.sha256)\" is not a SHA-256 digest"))
                return nil
            }
            self.head = head
            return Link(file: head.file, sha256: digest.hex, recordedBy: "HEAD.json says", source: "HEAD.json")
        }
    }

    /// Walks back from `start`; returns the file where the chain broke, if it did.
    private mutating func follow(_ start: Link, into expectations: inout ObjectExpectations) -> String? {
        var next: Link? = start
        var newer: ManifestInspection?
        while let link = next {
            next = nil
            let path = folder.display(link.file)
            if seen.contains(link.file) {
                problems.append(ManifestProblem(
                    kind: .cycle, path: path, detail: "\(link.source) links back to it, but it is already in the chain (newer than \(link.source))"))
                return link.file
            }
            seen.insert(link.file)
            let bytes: [UInt8]
            switch folder.read(link.file) {
            case .success(let read):
                bytes = read
            case .failure(.missing):
                problems.append(ManifestProblem(kind: .missingManifest, path: path, detail: "missing (named by \(link.source))"))
                return link.file
            case .failure(.unreadable(let reason)):
                problems.append(ManifestProblem(kind: .unreadable, path: path, detail: "\(reason) (named by \(link.source))"))
                return link.file
            }
            guard let inspection = inspect(link.file, bytes: bytes, into: &expectations) else { return link.file }
            chain.append(link.file)
            if inspection.sha256 != link.sha256 {
                problems.append(ManifestProblem(
                    kind: .edited, path: path, detail: "sha256 \(inspection.sha256) but \(link.recordedBy) \(link.sha256)"))
            }
            if let runID = inspection.runID, runID + ".json" != link.file {
                problems.append(ManifestProblem(kind: .renamed, path: path, detail: "holds the manifest of run \(runID), not \(link.file.dropLast(5))"))
            }
            if let newer, let newerEnd = newer.finishedAt, let end = inspection.finishedAt, end > newerEnd {
                problems.append(ManifestProblem(
                    kind: .outOfOrder, path: path,
                    detail: "finished at \(Timestamp.format(end)), after \(newer.name) (finished \(Timestamp.format(newerEnd))) which names it as its predecessor"))
            }
            guard inspection.linkReadable else {
                problems.append(ManifestProblem(kind: .schema, path: path, detail: "its previous_manifest link cannot be followed; older manifests are unreachable"))
                return link.file
            }
            if let previous = inspection.previous {
                next = Link(file: previous.runID + ".json", sha256: previous.sha256, recordedBy: "\(link.file)'s link says", source: link.file)
            }
            newer = inspection
        }
        return nil
    }

    /// Reads and inspects one manifest (its problems join the walk's); nil when it cannot be read.
    private mutating func inspect(_ name: String, bytes: [UInt8]?, into expectations: inout ObjectExpectations) -> ManifestInspection? {
        let path = folder.display(name)
        let data: [UInt8]
        if let bytes {
            data = bytes
        } else {
            switch folder.read(name) {
            case .success(let read): data = read
            case .failure(let failure):
                let reason: String
                switch failure {
                case .missing: reason = "vanished while being verified"
                case .unreadable(let text): reason = text
                }
                problems.append(ManifestProblem(kind: .unreadable, path: path, detail: reason))
                return nil
            }
        }
        let inspection = ManifestInspection.inspect(name: name, path: path, bytes: data, into: &expectations)
        inspected[name] = inspection
        problems += inspection.problems
        return inspection
    }
}

extension ManifestInspection {
    /// SHA-256 of a file's bytes, lower-case hex.
    static func digest(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).hexString }
}
