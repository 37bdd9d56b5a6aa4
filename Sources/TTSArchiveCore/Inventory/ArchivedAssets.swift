import Foundation

/// The `asset_id`s of every job the archive holds, read from the run-manifest chain.
struct ArchivedAssets {
    /// One entry per archived job that names an asset (a job archived twice counts twice).
    var assetIDs: [String] = []
    /// The chain's head, where the walk started.
    var head: ManifestLink?
    var manifestsRead = 0
    /// Why the walk stopped early, if it did.
    var note: String?

    /// Walks from `HEAD.json` through `previous_manifest` links. Stops, with a note, at a
    /// manifest that is missing or unreadable (`ttsarchive verify` is the tool for that),
    /// and at a link seen before, so a damaged chain cannot loop.
    static func read(_ manifests: ManifestDirectory) -> ArchivedAssets {
        var result = ArchivedAssets()
        let head: ManifestHead?
        do {
            head = try manifests.head()
        } catch {
            result.note = "manifests/HEAD.json is unreadable; no archived jobs were read"
            return result
        }
        guard let head else { return result }
        result.head = ManifestLink(runID: head.runID, sha256: head.sha256)
        var next: String? = head.runID
        var seen: Set<String> = []
        while let runID = next, seen.insert(runID).inserted {
            let manifest: Manifest?
            do {
                manifest = try manifests.manifest(runID: runID)
            } catch {
                result.note = "run manifest \(runID) is unreadable; older runs were not read"
                return result
            }
            guard let manifest else {
                result.note = "run manifest \(runID) is missing; older runs were not read"
                return result
            }
            result.manifestsRead += 1
            result.assetIDs += manifest.jobs.compactMap { $0.assetID.flatMap { $0.isEmpty ? nil : $0 } }
            next = manifest.previousManifest?.runID
        }
        return result
    }
}
