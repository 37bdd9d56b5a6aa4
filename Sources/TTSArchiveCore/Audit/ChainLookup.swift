import Foundation

/// Whether a run's manifest file is the one the hash chain records, found by walking back
/// from HEAD only as far as that run (recent runs, the usual ones to restore or export, are
/// a few steps away). `restore` and `export` use it to warn before handing out the files of a
/// manifest that was edited or left the chain; `verify` is the full check.
public enum ChainLookup {
    /// What the chain says about one run's manifest.
    public enum Standing: Sendable, Equatable {
        /// HEAD, or the next manifest's link, records exactly these bytes.
        case recorded
        /// The chain records another digest for this run: the file was edited.
        case differs(recorded: String, actual: String)
        /// The chain from HEAD does not reach this run (broken, or no HEAD).
        case unreachable
    }

    /// Where `runID`'s manifest, whose bytes are `bytes`, stands in the chain of `manifestsPath`.
    public static func standing(of runID: String, bytes: [UInt8], manifestsPath: String) -> Standing {
        let folder = ManifestFolder(unchecked: manifestsPath)
        let actual = ManifestInspection.digest(bytes)
        guard case .success(let headBytes) = folder.read("HEAD.json"),
            let head = try? JSONDecoder().decode(ManifestHead.self, from: Data(headBytes))
        else { return .unreachable }
        var link: ManifestLink? = ManifestLink(runID: head.runID, sha256: head.sha256.lowercased())
        var seen = Set<String>()
        while let current = link, SafePathComponent.isPlain(current.runID), seen.insert(current.runID).inserted {
            if current.runID == runID {
                return current.sha256 == actual ? .recorded : .differs(recorded: current.sha256, actual: actual)
            }
            guard case .success(let data) = folder.read(current.runID + ".json"),
                case .object(let top)? = try? RawJSON.parse(data)
            else { return .unreachable }
            link = top["previous_manifest"]?.objectValue.flatMap { previous in
                guard let id = previous["run_id"]?.stringValue, let sha = previous["sha256"]?.stringValue else { return nil }
                return ManifestLink(runID: id, sha256: sha.lowercased())
            }
        }
        return .unreachable
    }
}
