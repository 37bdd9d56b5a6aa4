/// How an ``InventorySimulator`` behaves: the accounts' inventories, credentials and faults.
public struct InventorySimulatorConfig: Sendable, Hashable {
    /// Every record follows from it: the same seed serves the same inventories.
    public var seed: UInt64
    /// 127.0.0.1 port; 0 picks a free one.
    public var port: Int
    /// ICE customized-voice jobs per `Type` (`Basic`, `Standard`).
    public var alibabaJobs: [String: Int]
    /// VMS resources per `Type` (`0`, `1`, `2`).
    public var volcengineResources: [String: Int]
    public var alibabaAccessKeyID: String
    public var alibabaAccessKeySecret: String
    public var volcengineAccessKey: String
    public var volcengineSecretKey: String
    /// Share of pages (decided per page by the seed) whose first `faultAttempts` requests are
    /// throttled: ICE `Throttling.User` (400), VMS `Throttling` (400).
    public var throttleRate: Double
    /// Share of pages whose first `faultAttempts` requests get 503 `ServiceUnavailable`.
    public var unavailableRate: Double
    /// Requests of a faulty page that fail before one succeeds.
    public var faultAttempts: Int
    /// Largest accepted distance between a signature's date and the server's clock.
    public var maxClockSkew: Double

    /// Defaults: 250 Basic + 120 Standard ICE jobs, 150/60/90 VMS resources, no faults.
    public init(
        seed: UInt64 = 7, port: Int = 0, alibabaJobs: [String: Int] = ["Basic": 250, "Standard": 120],
        volcengineResources: [String: Int] = ["0": 150, "1": 60, "2": 90],
        alibabaAccessKeyID: String = "LTAI5tSimulatorKey0001", alibabaAccessKeySecret: String = "sim-alibaba-secret-0001",
        volcengineAccessKey: String = "AKLTsimulator0001", volcengineSecretKey: String = "sim-volcengine-secret-0001",
        throttleRate: Double = 0, unavailableRate: Double = 0, faultAttempts: Int = 1, maxClockSkew: Double = 900
    ) {
        self.seed = seed
        self.port = port
        self.alibabaJobs = alibabaJobs
        self.volcengineResources = volcengineResources
        self.alibabaAccessKeyID = alibabaAccessKeyID
        self.alibabaAccessKeySecret = alibabaAccessKeySecret
        self.volcengineAccessKey = volcengineAccessKey
        self.volcengineSecretKey = volcengineSecretKey
        self.throttleRate = throttleRate
        self.unavailableRate = unavailableRate
        self.faultAttempts = faultAttempts
        self.maxClockSkew = maxClockSkew
    }
}

/// What an ``InventorySimulator`` served.
public struct InventorySimulatorStats: Sendable, Hashable, Codable {
    /// Requests by API: `alibaba`, `volcengine`, `other`.
    public var requests: [String: Int] = [:]
    /// Answers with records (200).
    public var pagesServed = 0
    /// Faults injected, by code (`Throttling.User`, `Throttling`, `ServiceUnavailable`).
    public var faults: [String: Int] = [:]
    /// Requests refused for their signature or access key.
    public var authFailures = 0
    /// Requests refused for a bad parameter, action or version.
    public var validationErrors = 0

    public init() {}
}
