import Foundation
import Testing

@testable import TTSArchiveCore

@Suite("ttsarchive.toml: TOML through TOMLKit, the schema, precedence, the credentials file")
struct OpsConfigTests {
    @Test func parsesTOML() throws {
        let text = """
            # nightly settings
            endpoint = "https://metastudio.cn-north-4.myhuaweicloud.com"  # trailing comment
            concurrency = 1_2
            allow_http = false
            allow_hosts = [
              "cdn.example.com",   # first
              'obs.example.com:8443',
            ]
            empty = []
            quoted = "tab\\there \\"q\\" \\u00e9"
            multi = \"\"\"
            two
            lines\"\"\"

            [inventory]
            clouds = ["huawei"]
            "alibaba_region" = "cn-beijing"
            """
        let entries = try ConfigDocument.parse(text)
        #expect(entries["endpoint"]?.value == .string("https://metastudio.cn-north-4.myhuaweicloud.com"))
        #expect(entries["endpoint"]?.line == 2)
        #expect(entries["concurrency"]?.value == .integer(12))
        #expect(entries["allow_http"]?.value == .boolean(false))
        #expect(entries["allow_hosts"]?.value == .strings(["cdn.example.com", "obs.example.com:8443"]))
        #expect(entries["allow_hosts"]?.line == 5)
        #expect(entries["empty"]?.value == .strings([]))
        #expect(entries["quoted"]?.value == .string("tab\there \"q\" é"))
        #expect(entries["multi"]?.value == .string("two\nlines"))
        #expect(entries["inventory.clouds"]?.value == .strings(["huawei"]))
        #expect(entries["inventory.clouds"]?.line == 16)
        #expect(entries["inventory.alibaba_region"]?.line == 17)
    }

    @Test func fullTOMLTheSubsetRefusedIsReadAndTyped() throws {
        // Dotted keys, inline tables, floats, dates: valid TOML, checked by the schema instead.
        let entries = try ConfigDocument.parse("inventory.clouds = [\"alibaba\"]\nx = 1.5\nd = 2025-06-01\nt = { b = 1 }\n")
        #expect(entries["inventory.clouds"]?.value == .strings(["alibaba"]))
        #expect(entries["x"]?.value == .other(typeName: "a floating-point number"))
        #expect(entries["d"]?.value == .other(typeName: "a date or time"))
        #expect(entries["t.b"]?.value == .integer(1))
        #expect(entries["t.b"]?.line == 4)
        let file = try ConfigFile(text: "inventory.clouds = [\"alibaba\"]\n", path: "/etc/ttsarchive.toml")
        #expect(file.entries[.inventoryClouds]?.value == .strings(["alibaba"]))
        do {
            _ = try ConfigFile(text: "\nconcurrency = 1.5\n", path: "/etc/ttsarchive.toml")
            Issue.record("a float accepted as concurrency")
        } catch {
            #expect(error.description == "/etc/ttsarchive.toml:2: concurrency must be an integer, not a floating-point number")
        }
    }

    @Test(arguments: [
        ("a = 1\nb = \"open\n", 2),
        ("a = 1\na = 2\n", 2),
        ("a = \"\\q\"\n", 1),
        ("a 1\n", 1),
        ("[t]\n[t]\n", 2),
        ("a = 1 2\n", 1),
        ("a = [\"x\"\n", 1),  // toml++ names the line the array opened on
    ])
    func syntaxErrorsNameTheirLineAndColumn(text: String, line: Int) {
        do {
            _ = try ConfigDocument.parse(text)
            Issue.record("parsed \(text.debugDescription)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.column >= 1, "\(error)")
            #expect(!error.detail.isEmpty && !error.detail.contains("\n"))
            #expect(error.description.hasPrefix("line \(line), column "))
        }
        // Through the file: one line naming the file, the line and the column; exit 2.
        do {
            _ = try ConfigFile(text: text, path: "/etc/ttsarchive.toml")
            Issue.record("parsed \(text.debugDescription)")
        } catch {
            #expect(error.description.hasPrefix("/etc/ttsarchive.toml:\(line):"), "\(error)")
            #expect(!error.description.contains("\n"))
            #expect(error.exitCode == 2)
        }
    }

    @Test func schemaRefusesUnknownKeysWrongTypesAndSecrets() {
        func problem(_ text: String) -> ConfigError? {
            do {
                _ = try ConfigFile(text: text, path: "/etc/ttsarchive.toml")
                return nil
            } catch { return error }
        }
        #expect(problem("concurency = 4\n") == ConfigError(.unknownKey(path: "/etc/ttsarchive.toml", line: 1, key: "concurency")))
        #expect(problem("\nconcurrency = \"4\"\n")?.description == "/etc/ttsarchive.toml:2: concurrency must be an integer, not a string")
        #expect(problem("concurrency = 0\n")?.description.contains("1…256") == true)
        #expect(problem("overlap = \"15 minutes\"\n")?.description.contains("not a duration") == true)
        #expect(problem("endpoint = \"ftp://x\"\n")?.description.contains("not an http(s) URL") == true)
        #expect(problem("[inventory]\nclouds = [\"aws\"]\n")?.description.contains("unknown cloud 'aws'") == true)
        // Secrets: refused by name, wherever they are, and the value never echoed.
        for (text, key) in [
            ("sk = \"hunter2-SECRET\"\n", "sk"), ("[huawei]\nsecret_access_key = \"hunter2-SECRET\"\n", "huawei.secret_access_key"),
            ("auth_token = \"hunter2-SECRET\"\n", "auth_token"), ("db_password = \"hunter2-SECRET\"\n", "db_password"),
        ] {
            let error = problem(text)
            guard case .secret(_, _, let named)? = error?.code else {
                Issue.record("not refused as a secret: \(text)")
                continue
            }
            #expect(named == key)
            #expect(error?.description.contains("hunter2") == false)
            #expect(error?.exitCode == 2)
        }
        // Paths to secrets are settings, not secrets.
        #expect(problem("credentials_file = \"/etc/ttsarchive/credentials\"\ntoken_file = \"t\"\n") == nil)
    }

    @Test func relativePathsAreTakenFromTheFilesFolder() throws {
        let file = try ConfigFile(
            text: "archive = \"data/archive\"\nmanifests = \"/abs/m\"\noverlap = 600\n", path: "/srv/tts/ttsarchive.toml")
        #expect(file.entries[.archive]?.value == .string("/srv/tts/data/archive"))
        #expect(file.entries[.manifests]?.value == .string("/abs/m"))
        #expect(file.entries[.overlap]?.value == .string("600s"))
    }

    @Test func precedenceIsFlagThenEnvironmentThenFileThenDefault() throws {
        let file = try ConfigFile(
            text: "archive = \"/file/archive\"\nconcurrency = 3\nproject_id = \"from-file\"\nregion = \"cn-north-4\"\n",
            path: "/etc/ttsarchive.toml")
        let config = EffectiveConfig(
            file: file, flags: [.concurrency: .integer(5)], environment: ["HUAWEICLOUD_SDK_PROJECT_ID": "from-env"])
        #expect(config.integer(.concurrency) == 5)
        #expect(config[.concurrency].source == .flag("--concurrency"))
        #expect(config.string(.archive) == "/file/archive")
        #expect(config[.archive].source == .file(path: "/etc/ttsarchive.toml", line: 1))
        #expect(config.string(.projectID) == "from-env")
        #expect(config[.projectID].source == .environment("HUAWEICLOUD_SDK_PROJECT_ID"))
        #expect(config.string(.manifests) == "manifests")
        #expect(config[.manifests].source == .builtIn)
        #expect(config.seconds(.overlap) == 900)
        #expect(config.string(.metricsFile) == nil)
        #expect(config[.metricsFile].source == .unset)
        // Without the environment variable, the file's project id counts.
        let quiet = EffectiveConfig(file: file, flags: [:], environment: [:])
        #expect(quiet.string(.projectID) == "from-file")
        #expect(quiet.integer(.concurrency) == 3)
        // No file: defaults.
        #expect(EffectiveConfig(file: nil, flags: [:], environment: [:]).integer(.concurrency) == 8)
    }

    @Test func locatesTheFileByFlagThenEnvironmentThenCurrentFolder() throws {
        let dir = TestDirectory("locate")
        #expect(ConfigFile.locate(explicit: nil, environment: [:], currentDirectory: dir.path) == nil)
        try "".write(toFile: dir.sub("ttsarchive.toml"), atomically: true, encoding: .utf8)
        #expect(ConfigFile.locate(explicit: nil, environment: [:], currentDirectory: dir.path)?.foundBy == "./ttsarchive.toml")
        #expect(
            ConfigFile.locate(explicit: nil, environment: ["TTSARCHIVE_CONFIG": "/e.toml"], currentDirectory: dir.path)?.path == "/e.toml")
        #expect(
            ConfigFile.locate(explicit: "/f.toml", environment: ["TTSARCHIVE_CONFIG": "/e.toml"], currentDirectory: dir.path)?.path
                == "/f.toml")
    }

    @Test func credentialsFileMustBeOwnerOnly() throws {
        let dir = TestDirectory("creds")
        let path = dir.sub("credentials")
        try "# huawei\nexport HUAWEICLOUD_SDK_AK=AKIDEXAMPLE0001\nHUAWEICLOUD_SDK_SK=\"s3cr3t-value\"\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        for mode: mode_t in [0o644, 0o640, 0o604] {
            chmod(path, mode)
            do {
                _ = try CredentialsFile.load(path)
                Issue.record("mode \(String(mode, radix: 8)) accepted")
            } catch {
                #expect(error.code == .exposedCredentials(path: path, mode: String(mode, radix: 8)))
                #expect(error.description.contains("chmod 600"))
            }
        }
        chmod(path, 0o600)
        let file = try CredentialsFile.load(path)
        #expect(file.variables == ["HUAWEICLOUD_SDK_AK": "AKIDEXAMPLE0001", "HUAWEICLOUD_SDK_SK": "s3cr3t-value"])
        // The process's own environment wins; the file fills the gaps.
        let merged = file.merged(into: ["HUAWEICLOUD_SDK_AK": "FROMENV", "PATH": "/bin"])
        #expect(merged["HUAWEICLOUD_SDK_AK"] == "FROMENV")
        #expect(merged["HUAWEICLOUD_SDK_SK"] == "s3cr3t-value")
        #expect(merged["PATH"] == "/bin")
    }

    @Test func credentialsFileErrorsNeverShowValues() {
        do {
            _ = try CredentialsFile.parse("HUAWEICLOUD_SDK_AK=x\nHUAWEI_SK=s3cr3t-value\n", path: "/c")
            Issue.record("unknown variable accepted")
        } catch {
            // File and line only: the text before '=' may itself be a secret.
            #expect(error.description.hasPrefix("/c:2: not one of the known variables"))
            #expect(!error.description.contains("HUAWEI_SK"))
            #expect(!error.description.contains("s3cr3t"))
        }
    }

    @Test func checkLinesMaskSecrets() throws {
        let dir = TestDirectory("mask")
        let path = dir.sub("credentials")
        try "HUAWEICLOUD_SDK_SK=s3cr3t-value-from-file\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        let file = try ConfigFile(text: "credentials_file = \"\(path)\"\n", path: dir.sub("ttsarchive.toml"))
        let config = EffectiveConfig(file: file, flags: [:], environment: [:])
        let lines = try config.lines(environment: [
            "HUAWEICLOUD_SDK_AK": "AKIDEXAMPLE0001XYZ", "TTSARCHIVE_AUTH_TOKEN": "tok-123456789012345",
        ])
        let byKey = Dictionary(uniqueKeysWithValues: lines.map { ($0.key, $0) })
        #expect(byKey["HUAWEICLOUD_SDK_AK"]?.value == "AKID********")
        #expect(byKey["HUAWEICLOUD_SDK_SK"]?.value == "******** (set)")
        #expect(byKey["HUAWEICLOUD_SDK_SK"]?.source == "credentials_file \(path)")
        #expect(byKey["TTSARCHIVE_AUTH_TOKEN"]?.value == "******** (set)")
        let all = lines.map { "\($0.key) \($0.value ?? "") \($0.source)" }.joined(separator: "\n")
        #expect(!all.contains("s3cr3t") && !all.contains("tok-1234") && !all.contains("0001XYZ"))
    }
}
