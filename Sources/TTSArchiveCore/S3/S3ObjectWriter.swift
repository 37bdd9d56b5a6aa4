import Crypto
import Foundation
import TTSNative
#if canImport(Glibc)
import Glibc
#endif

/// Writes one object into an ``S3ObjectStore``.
///
/// Bytes are hashed and deflated (the shared ``ObjectEncoder``) into a local spool file, so
/// the object's name, size, MD5 and stored SHA-256 are all known before the first byte is
/// uploaded. ``commit()`` then:
/// 1. HEADs the key: an object already there is the same content (its name is its hash), so
///    nothing is uploaded, once it is found sound (`sound`); a damaged one is moved to
///    `quarantine/` and this one uploaded in its place;
/// 2. uploads with `If-None-Match: *` (one PUT, or a multipart upload for large objects), each
///    request carrying its payload's SHA-256 in the signature and its MD5 in `Content-MD5`, so
///    the store refuses bytes damaged on the way;
/// 3. checks the store's ETag against the MD5 we computed (for multipart, the MD5 of the parts'
///    MD5s) and HEADs the object again: only then is the object returned, and only then can a
///    journal or manifest name it.
// @unchecked: one owner at a time whose calls never overlap (``ObjectWriting``); `commit`'s
// steps run one after another, ordered by the awaits between them.
final class S3ObjectWriter: ObjectWriting, @unchecked Sendable {
    private let store: S3ObjectStore
    private let spoolPath: String
    private var spool: POSIXFile?
    private var encoder: ObjectEncoder!
    private var md5 = Insecure.MD5()
    private var done = false
    var bytesWritten: Int64 { encoder.contentBytes }

    init(store: S3ObjectStore) throws {
        self.store = store
        try POSIXFile.makeDirectory(store.spoolDirectory)
        spoolPath = store.spoolDirectory + "/ttsarchive-s3.\(getpid()).\(UInt64.random(in: 0...UInt64.max)).spool"
        spool = try POSIXFile.createScratch(spoolPath)
        // The spool is private to this writer: unlinked now, it vanishes even if we are killed.
        unlink(spoolPath)
        encoder = ObjectEncoder { [unowned self] bytes in
            guard let spool = self.spool else { throw StoreError(.io, path: self.spoolPath, detail: "write after abandon") }
            self.md5.update(bufferPointer: bytes)
            try spool.write(bytes)
        }
    }

    deinit { abandon() }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !done else { throw StoreError(.io, path: spoolPath, detail: "write after commit") }
        try encoder.write(bytes)
    }

    func commit() async throws -> StoredObject {
        guard !done, let spool else { throw StoreError(.io, path: spoolPath, detail: "commit after abandon") }
        done = true
        defer { self.spool = nil }
        // The deflater's last bytes go to the spool: file I/O, on the I/O pool.
        let (digest, storedSHA256) = try await IOPool.shared.run { try self.encoder.finish() }
        let storedSize = encoder.storedBytes
        let size = encoder.contentBytes
        let key = store.root.key(digest.objectPath)
        let (client, bucket, partSize) = (store.client, store.root.bucket, store.partSize)
        let wholeMD5Bytes = Array(md5.finalize())
        let wholeMD5 = SigningCrypto.hex(wholeMD5Bytes)
        let reader = SpoolReader(file: spool)

        // An object already there is checked before this content is recorded as stored by it.
        if let head = try await client.head(bucket: bucket, key: key) {
            if try await sound(head, digest: digest, storedSize: storedSize, storedSHA256: storedSHA256) {
                let existing = try Self.existing(head, ours: storedSHA256, key: key)
                return StoredObject(digest: digest, size: size, storedSize: existing.1, storedSHA256: existing.2, isNew: false)
            }
            try await store.quarantine(digest, etag: head.etag)
        }
        // (is new, the stored file's size and SHA-256: ours, or those of the object already there)
        let result: (Bool, Int64, String) = try await {
            let metadata = ["content-sha256": digest.hex, "stored-sha256": storedSHA256]
            let expectedETag: String
            let outcome: S3PutOutcome
            if storedSize <= Int64(partSize) {
                let region = HTTPUploadRegion(fileDescriptor: reader.fileDescriptor, offset: 0, length: storedSize)
                let digests = S3Client.RegionDigests(md5: wholeMD5Bytes, sha256Hex: storedSHA256)
                outcome = try await client.put(
                    bucket: bucket, key: key, region: region, digests: digests, contentType: "application/gzip", metadata: metadata, ifAbsent: true)
                expectedETag = wholeMD5
            } else {
                let uploadID = try await client.createMultipartUpload(bucket: bucket, key: key, contentType: "application/gzip", metadata: metadata)
                var etags: [String] = []
                var partMD5s: [UInt8] = []
                do {
                    var offset: Int64 = 0
                    while offset < storedSize {
                        let length = min(storedSize - offset, Int64(partSize))
                        let region = HTTPUploadRegion(fileDescriptor: reader.fileDescriptor, offset: offset, length: length)
                        // The part's digests first (a streaming read), so its request can be signed.
                        let digests = try await IOPool.shared.run { [offset] in try reader.digests(offset: offset, length: length) }
                        partMD5s += digests.md5
                        etags.append(try await client.uploadPart(
                            bucket: bucket, key: key, uploadID: uploadID, number: etags.count + 1, region: region, digests: digests))
                        offset += length
                    }
                    outcome = try await client.completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID, parts: etags, ifAbsent: true)
                } catch {
                    await client.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
                    throw error
                }
                if outcome == .alreadyExists { await client.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID) }
                expectedETag = SigningCrypto.hex(Insecure.MD5.hash(data: partMD5s)) + "-\(etags.count)"
            }
            guard let stored = try await client.head(bucket: bucket, key: key) else {
                throw S3Error(.verification, operation: "PUT s3://\(bucket)/\(key)", status: 200, detail: "the object is not there after its upload")
            }
            if case .created(let etag) = outcome {
                guard etag.lowercased() == expectedETag, stored.etag.lowercased() == expectedETag, stored.size == storedSize else {
                    throw S3Error(
                        .verification, operation: "PUT s3://\(bucket)/\(key)", status: 200,
                        detail: "stored ETag \(stored.etag), size \(stored.size); sent MD5 \(expectedETag), size \(storedSize)")
                }
                return (true, storedSize, storedSHA256)
            }
            // Another writer (a parallel shard) stored it first: the same content by its name.
            return try Self.existing(stored, ours: storedSHA256, key: key)
        }()
        return StoredObject(digest: digest, size: size, storedSize: result.1, storedSHA256: result.2, isNew: result.0)
    }

    /// Whether the object already under our key can be trusted for this content. The same rule
    /// as the local store's: the same size and stored SHA-256 (from its metadata, as HEAD gives
    /// them) as what this writer made is sound without a read; shorter than a gzip member is
    /// damaged; anything else (another deflate build, or damage) is read in full, inflated and
    /// re-hashed, and only a failure there is damage.
    private func sound(_ head: S3ObjectHead, digest: ContentDigest, storedSize: Int64, storedSHA256: String) async throws -> Bool {
        if head.size < LocalObjectStore.minimumObjectSize { return false }
        if head.size == storedSize && head.metadata["stored-sha256"]?.lowercased() == storedSHA256 { return true }
        do {
            return try await store.readObject(digest).size == encoder.contentBytes
        } catch let error as StoreError where error.code == .damaged {
            return false
        }
    }

    /// De-duplicated: reports the object that is there (its bytes may come from another zlib
    /// build, as its `stored-sha256` metadata says), not the spool that is discarded. An object
    /// copied in by another tool without our metadata is reported with our digest of the same
    /// content; `verify` re-hashes it either way.
    private static func existing(_ head: S3ObjectHead, ours: String, key: String) throws -> (Bool, Int64, String) {
        let recorded = head.metadata["stored-sha256"] ?? ours
        guard recorded.count == 64, recorded.allSatisfy(\.isHexDigit) else {
            throw S3Error(.verification, operation: "HEAD \(key)", status: 200, detail: "unreadable stored-sha256 metadata")
        }
        return (false, head.size, recorded.lowercased())
    }

    func abandon() {
        guard !done else { return }
        done = true
        spool = nil
    }
}

/// The spool file as the upload sees it: its descriptor, for libcurl to read regions from
/// (the writer keeps it open until the upload is done), and the digests of a region.
// @unchecked: its one field is a `POSIXFile` it never changes; reads are positioned (`pread`),
// so concurrent part uploads cannot disturb one another's offsets.
private final class SpoolReader: @unchecked Sendable {
    private let file: POSIXFile

    init(file: POSIXFile) { self.file = file }

    var fileDescriptor: Int32 { file.fd }

    /// MD5 and SHA-256 of `length` bytes at `offset`, read in 1 MiB pieces.
    func digests(offset: Int64, length: Int64) throws -> S3Client.RegionDigests {
        var md5 = Insecure.MD5()
        var sha = SHA256()
        var done: Int64 = 0
        while done < length {
            let piece = try file.read(at: offset + done, count: Int(min(1 << 20, length - done)))
            md5.update(data: piece)
            sha.update(data: piece)
            done += Int64(piece.count)
        }
        return S3Client.RegionDigests(md5: Array(md5.finalize()), sha256Hex: sha.finalize().hexString)
    }
}
