import Foundation

extension OpenedArchive {
    /// The chain's lock (the one `run` and `merge` take), read without taking it; nil when free.
    public func inspectLock(archive: String, now: Date = Date()) async throws -> LockStatus? {
        if let s3Root, let s3Client { return try await S3Lock.inspect("run", in: s3Root, client: s3Client) }
        return ArchiveLock.inspect(archive: archive, now: now)
    }

    /// What `status` and `report` show, from what a reader of this archive can see: the objects
    /// and the lock from the store, the runs from the manifests (for `s3://`, the copy just
    /// pulled), and pending, owed and unfinished work from the local state folder. For an S3
    /// archive that folder is this host's `--state`: the run state is never in the bucket, so a
    /// host that did not run the nights shows the bucket's runs and no local work.
    public func statusReport(archive: String, manifests: String, runs: Int, now: Date = Date()) async throws -> StatusReport {
        let lock = try await inspectLock(archive: archive, now: now)
        let (objects, manifestsPath, stateDirectory) = (objects, manifestsPath, stateDirectory)
        return try await StatusReport.gather(
            objects: objects, manifests: manifests, manifestsPath: manifestsPath, stateDirectory: stateDirectory, lock: lock,
            runs: runs, now: now)
    }
}
