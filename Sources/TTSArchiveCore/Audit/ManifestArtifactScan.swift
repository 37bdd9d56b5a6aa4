import Foundation

/// The artifacts every run manifest of a folder names, decoded only as far as finding objects
/// needs: for `verify --repair` (who points at a damaged object) and `cat` (what size the
/// manifests record for the object it streams). Blocking.
struct ManifestArtifactScan {
    /// One artifact entry of one manifest.
    struct Entry {
        var manifest: String
        var jobID: String
        var kind: ArtifactKind
        var fileIndex: Int
        var object: String
        var size: Int64

        var reference: ObjectReference {
            ObjectReference(manifest: manifest, jobID: jobID, kind: kind, fileIndex: fileIndex)
        }
    }

    let manifestsPath: String

    /// Calls `visit` for every artifact naming one of `objects`. Unreadable or malformed
    /// manifests are skipped: `verify` reports those. A manifest whose bytes do not contain an
    /// object's name is not decoded at all, which keeps a lookup of one object cheap.
    func entries(naming objects: Set<String>, _ visit: (Entry) -> Void) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: manifestsPath)) ?? []
        // The file name alone: a manifest may write the path's slashes escaped (`\/`).
        let needles = objects.map { Data(($0.split(separator: "/").last.map(String.init) ?? $0).utf8) }
        for name in names.sorted() where name.hasSuffix(".json") && name != "HEAD.json" {
            guard let data = FileManager.default.contents(atPath: manifestsPath + "/" + name),
                needles.contains(where: { data.range(of: $0) != nil }),
                let manifest = try? JSONDecoder().decode(Entries.self, from: data)
            else { continue }
            for job in manifest.jobs {
                for artifact in job.artifacts where objects.contains(artifact.object) {
                    visit(Entry(
                        manifest: name, jobID: job.jobID, kind: artifact.kind, fileIndex: artifact.fileIndex,
                        object: artifact.object, size: artifact.size))
                }
            }
        }
    }

    /// Only what the scan needs of a manifest.
    private struct Entries: Decodable {
        struct Job: Decodable {
            var jobID: String
            var artifacts: [Artifact]
            enum CodingKeys: String, CodingKey { case artifacts, jobID = "job_id" }
        }
        struct Artifact: Decodable {
            var kind: ArtifactKind
            var fileIndex: Int
            var object: String
            var size: Int64
            enum CodingKeys: String, CodingKey { case kind, object, size, fileIndex = "file_index" }
        }
        var jobs: [Job]
    }
}
