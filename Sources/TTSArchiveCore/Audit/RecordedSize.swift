/// The original size the run manifests record for an object: what `cat`, which is given only
/// the object's name, caps its output at, as `restore` and `export` cap theirs at the size of
/// the entry they write.
public enum RecordedSize {
    /// The largest size a manifest in `manifestsPath` records for `digest`; nil when none names
    /// it (an object stored by `put`). Blocking: reads every manifest that mentions the object.
    ///
    /// Manifests that disagree are themselves damaged (`verify` reports them); the largest size
    /// never cuts a sound object short, and the digest check still catches a wrong one.
    public static func of(_ digest: ContentDigest, manifestsPath: String) -> Int64? {
        var largest: Int64?
        ManifestArtifactScan(manifestsPath: manifestsPath).entries(naming: [digest.objectPath]) { entry in
            largest = max(largest ?? entry.size, entry.size)
        }
        return largest
    }
}
