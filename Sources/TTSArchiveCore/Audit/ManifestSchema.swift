/// The `ttsarchive.manifest/v1` schema, checked against the JSON as written.
///
/// Every documented key must be present (nullable ones as `null`), with its documented type;
/// keys this version does not know are allowed, so later versions can add extensions. The
/// result is a list of issues, each starting with the JSON path at fault
/// (`jobs[3].artifacts[0].size: expected an integer, found a string`).
public enum ManifestSchema {
    /// The issues with `json` as a v1 manifest; empty when it conforms.
    public static func issues(in json: RawJSON) -> [String] {
        var check = SchemaCheck()
        check.manifest(json)
        return check.issues
    }
}

/// What a member must hold.
private enum Expect {
    case string, integer, bool, number, timestamp, digest
    case nonNegative
    case oneOf([String])
    case object, array
}

/// Accumulates schema issues while walking a manifest.
private struct SchemaCheck {
    var issues: [String] = []

    mutating func fail(_ path: String, _ message: String) {
        issues.append(path.isEmpty ? message : "\(path): \(message)")
    }

    /// The member `key` of `members`, checked against `expect`; `nullable` admits `null`,
    /// `optional` admits the key's absence. Returns the value when it has the right type.
    @discardableResult
    mutating func member(
        _ members: [String: RawJSON], _ key: String, at path: String, _ expect: Expect,
        nullable: Bool = false, optional: Bool = false
    ) -> RawJSON? {
        let where_ = path.isEmpty ? key : "\(path).\(key)"
        guard let value = members[key] else {
            if !optional { fail(where_, "required key is missing") }
            return nil
        }
        if value == .null {
            if !nullable { fail(where_, "must not be null") }
            return nil
        }
        return conforms(value, expect, at: where_) ? value : nil
    }

    private mutating func conforms(_ value: RawJSON, _ expect: Expect, at path: String) -> Bool {
        func wrongType(_ expected: String) -> Bool {
            fail(path, "expected \(expected), found \(value.typeName)")
            return false
        }
        switch expect {
        case .string:
            return value.stringValue != nil || wrongType("a string")
        case .integer:
            return value.integerValue != nil || wrongType("an integer")
        case .nonNegative:
            guard let number = value.integerValue else { return wrongType("an integer") }
            if number < 0 { fail(path, "must not be negative (\(number))"); return false }
            return true
        case .bool:
            if case .bool = value { return true }
            return wrongType("a boolean")
        case .number:
            switch value {
            case .integer, .number: return true
            default: return wrongType("a number")
            }
        case .timestamp:
            guard let text = value.stringValue else { return wrongType("an ISO 8601 time string") }
            if Timestamp.parse(text) == nil { fail(path, "\"\(text)\" is not an ISO 8601 time"); return false }
            return true
        case .digest:
            guard let text = value.stringValue else { return wrongType("a SHA-256 hex string") }
            if ContentDigest(hex: text)?.hex != text { fail(path, "\"\(text)\" is not 64 lower-case hex digits"); return false }
            return true
        case .oneOf(let allowed):
            guard let text = value.stringValue else { return wrongType("a string") }
            if !allowed.contains(text) {
                fail(path, "\"\(text)\" is not one of \(allowed.joined(separator: ", "))")
                return false
            }
            return true
        case .object:
            return value.objectValue != nil || wrongType("an object")
        case .array:
            return value.arrayValue != nil || wrongType("an array")
        }
    }

    mutating func manifest(_ json: RawJSON) {
        guard let top = json.objectValue else {
            fail("", "the document is \(json.typeName), not an object")
            return
        }
        if let schema = member(top, "schema", at: "", .string)?.stringValue, schema != Manifest.schemaV1 {
            fail("schema", "\"\(schema)\" is not \"\(Manifest.schemaV1)\"")
        }
        if let runID = member(top, "run_id", at: "", .string)?.stringValue, !SafePathComponent.isPlain(runID) {
            fail("run_id", "\"\(runID)\" is not a run id ([A-Za-z0-9._-], not starting with a dot)")
        }
        member(top, "started_at", at: "", .timestamp)
        member(top, "finished_at", at: "", .timestamp)
        member(top, "complete", at: "", .bool)
        strings(top, "tool", ["name", "version"])
        strings(top, "source", ["provider", "endpoint", "project_id"])
        if let window = member(top, "window", at: "", .object)?.objectValue {
            member(window, "create_since", at: "window", .timestamp)
            member(window, "create_until", at: "window", .timestamp)
        }
        if let link = member(top, "previous_manifest", at: "", .object, nullable: true)?.objectValue {
            if let runID = member(link, "run_id", at: "previous_manifest", .string)?.stringValue, !SafePathComponent.isPlain(runID) {
                fail("previous_manifest.run_id", "\"\(runID)\" is not a run id; the link cannot name a file in the folder")
            }
            member(link, "sha256", at: "previous_manifest", .digest)
        }
        each(top, "jobs") { check, job, path in check.job(job, at: path) }
        each(top, "failures") { check, failure, path in check.failure(failure, at: path) }
        counts(top)
        each(top, "pending", optional: true) { check, pending, path in
            check.member(pending, "job_id", at: path, .string)
            check.member(pending, "state", at: path, .string)
            check.member(pending, "create_time", at: path, .string, nullable: true)
        }
        each(top, "bad_records", optional: true) { check, record, path in
            check.member(record, "page_offset", at: path, .nonNegative)
            check.member(record, "index", at: path, .nonNegative)
            check.member(record, "job_id", at: path, .string, nullable: true)
            check.member(record, "field", at: path, .string)
            check.member(record, "problem", at: path, .string)
        }
    }

    private mutating func strings(_ top: [String: RawJSON], _ key: String, _ keys: [String]) {
        guard let object = member(top, key, at: "", .object)?.objectValue else { return }
        for name in keys { member(object, name, at: key, .string) }
    }

    /// Checks that `key` is an array of objects and runs `body` on each.
    private mutating func each(
        _ top: [String: RawJSON], _ key: String, optional: Bool = false,
        _ body: (inout SchemaCheck, [String: RawJSON], String) -> Void
    ) {
        guard let elements = member(top, key, at: "", .array, optional: optional)?.arrayValue else { return }
        for (index, element) in elements.enumerated() {
            let path = "\(key)[\(index)]"
            guard let object = element.objectValue else {
                fail(path, "expected an object, found \(element.typeName)")
                continue
            }
            body(&self, object, path)
        }
    }

    private mutating func job(_ job: [String: RawJSON], at path: String) {
        member(job, "job_id", at: path, .string)
        for key in ["asset_id", "create_time", "job_type", "tts_service_enum"] {
            member(job, key, at: path, .string, nullable: true)
        }
        member(job, "audio_format", at: path, .string)
        member(job, "text_length", at: path, .integer, nullable: true)
        guard let artifacts = member(job, "artifacts", at: path, .array)?.arrayValue else { return }
        for (index, element) in artifacts.enumerated() {
            let where_ = "\(path).artifacts[\(index)]"
            guard let artifact = element.objectValue else {
                fail(where_, "expected an object, found \(element.typeName)")
                continue
            }
            self.artifact(artifact, at: where_)
        }
    }

    private mutating func artifact(_ artifact: [String: RawJSON], at path: String) {
        member(artifact, "kind", at: path, .oneOf(ArtifactKind.allCases.map(\.rawValue)))
        member(artifact, "file_index", at: path, .nonNegative)
        let sha = member(artifact, "sha256", at: path, .digest)?.stringValue
        member(artifact, "size", at: path, .nonNegative)
        member(artifact, "stored_size", at: path, .nonNegative)
        member(artifact, "stored_sha256", at: path, .digest)
        if let object = member(artifact, "object", at: path, .string)?.stringValue, let sha,
            let expected = ContentDigest(hex: sha)?.objectPath, object != expected {
            fail("\(path).object", "\"\(object)\" is not the object path of its sha256 (\(expected))")
        }
        member(artifact, "media_type", at: path, .string)
        if let checks = member(artifact, "checks", at: path, .array)?.arrayValue {
            for (index, check) in checks.enumerated() where check.stringValue == nil {
                fail("\(path).checks[\(index)]", "expected a string, found \(check.typeName)")
            }
        }
        member(artifact, "source", at: path, .string)
        member(artifact, "audio_duration", at: path, .number, nullable: true, optional: true)
    }

    private mutating func failure(_ failure: [String: RawJSON], at path: String) {
        member(failure, "job_id", at: path, .string)
        member(failure, "kind", at: path, .oneOf(ArtifactKind.allCases.map(\.rawValue)), nullable: true)
        member(failure, "file_index", at: path, .nonNegative, nullable: true)
        member(failure, "error", at: path, .string)
        member(failure, "attempts", at: path, .nonNegative)
    }

    private mutating func counts(_ top: [String: RawJSON]) {
        guard let counts = member(top, "counts", at: "", .object)?.objectValue else { return }
        for key in [
            "jobs_listed", "artifacts_stored", "objects_new", "objects_deduplicated", "bytes", "stored_bytes",
            "relists", "retries", "jobs_already_archived", "bad_records",
        ] {
            member(counts, key, at: "counts", .nonNegative)
        }
        if let byState = member(counts, "jobs_by_state", at: "counts", .object)?.objectValue {
            for (state, value) in byState.sorted(by: { $0.key < $1.key }) where value.integerValue == nil {
                fail("counts.jobs_by_state.\(state)", "expected an integer, found \(value.typeName)")
            }
        }
    }
}
