import Crypto
import Foundation

/// An RFC 8493 BagIt bag of one run, as bytes to write: everything in it is derived from the
/// run's manifest (never from the clock), so exporting a run twice gives identical bags.
///
/// ```
/// bagit.txt                  BagIt-Version 1.0, UTF-8
/// bag-info.txt               Source-Organization, External-Identifier (run id), Bagging-Date
///                            (the run's finished_at date), Payload-Oxum, …
/// data/<job>/<kind>-<i>.<ext> the artifacts, as `restore` writes them
/// manifest-sha256.txt        every payload file's SHA-256 (the manifest's sha256)
/// ttsarchive-manifest.json   the run's manifest, byte for byte (its digest is the chain's)
/// tagmanifest-sha256.txt     SHA-256 of the four tag files above
/// ```
public struct BagPlan: Sendable {
    /// A tag file: its name in the bag's top folder and its bytes.
    public struct TagFile: Sendable, Hashable {
        public var name: String
        public var bytes: [UInt8]
    }

    /// The run's manifest, as a tag file.
    public static let manifestTagFile = "ttsarchive-manifest.json"

    public let payload: RunPayload
    /// Sorted by name; `tagmanifest-sha256.txt` included.
    public let tagFiles: [TagFile]
    /// The time stamped on tar entries: the run's `finished_at`, in seconds since 1970.
    public let mtime: Int64

    /// The plan for `payload`; `sourceOrganization` defaults to the manifest's provider and project.
    public init(payload: RunPayload, sourceOrganization: String? = nil) {
        self.payload = payload
        let manifest = payload.manifest
        let finished = Timestamp.parse(manifest.finishedAt)
        mtime = Int64(finished?.timeIntervalSince1970 ?? 0)
        let project = manifest.source["project_id"] ?? "unknown project"
        let organization = sourceOrganization ?? "Huawei Cloud MetaStudio project \(project)"
        var info: [(String, String)] = [
            ("Source-Organization", organization),
            ("External-Identifier", manifest.runID),
            ("External-Description", "ttsarchive run \(manifest.runID): MetaStudio TTS artifacts of jobs created "
                + "\(manifest.window.createSince) to \(manifest.window.createUntil) (\(payload.files.count) files)"),
            ("Bagging-Date", finished.map(Timestamp.day) ?? String(manifest.finishedAt.prefix(10))),
            ("Bag-Software-Agent", "\(ToolInfo.name) \(ToolInfo.version)"),
            ("Payload-Oxum", "\(payload.totalSize).\(payload.files.count)"),
        ]
        if !payload.refused.isEmpty {
            info.append(("Ttsarchive-Refused-Jobs", "\(payload.refused.count) job(s) whose ids cannot be folder names are not in this bag"))
        }
        var tags: [TagFile] = [
            TagFile(name: "bagit.txt", bytes: Array("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8)),
            TagFile(name: "bag-info.txt", bytes: Array(info.map { "\($0): \(Self.oneLine($1))\n" }.joined().utf8)),
            TagFile(name: "manifest-sha256.txt", bytes: Array(payload.files.map { "\($0.digest.hex)  \(Self.bagPath("data/" + $0.relativePath))\n" }.joined().utf8)),
            TagFile(name: Self.manifestTagFile, bytes: payload.manifestBytes),
        ]
        tags.sort { $0.name < $1.name }
        let tagManifest = tags.map { "\(SHA256.hash(data: $0.bytes).hexString)  \($0.name)\n" }.joined()
        tags.append(TagFile(name: "tagmanifest-sha256.txt", bytes: Array(tagManifest.utf8)))
        tags.sort { $0.name < $1.name }
        tagFiles = tags
    }

    /// The job folders under `data/`, sorted.
    public var payloadFolders: [String] {
        Array(Set(payload.files.map { String($0.relativePath.split(separator: "/")[0]) })).sorted()
    }

    /// RFC 8493 §2.1.3: in manifest lines, `%`, CR and LF of a path are percent-encoded.
    static func bagPath(_ path: String) -> String {
        path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// A bag-info value on one line (labels' values cannot hold line breaks here).
    static func oneLine(_ value: String) -> String {
        value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}
