// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "logscan",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "logscan", targets: ["logscan"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    .systemLibrary(
      name: "CZstd",
      pkgConfig: "libzstd",
      providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]
    ),
    .systemLibrary(
      name: "CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
    ),
    // Header-only C helpers the Swift standard library lacks (prefetch).
    .target(name: "CShims"),
    .target(
      name: "LogScanCore",
      dependencies: [
        "CShims",
        "CZstd",
        "CZlib",
        .product(name: "SystemPackage", package: "swift-system"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    .executableTarget(
      name: "logscan",
      dependencies: [
        "LogScanCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    // Deterministic realistic logs for benchmarks and tests.
    .target(name: "LogGenerator"),
    .executableTarget(name: "loggen", dependencies: ["LogGenerator"]),
    // libFuzzer entry point: `swift build --product FuzzParser --sanitize=fuzzer`
    // (see docs/fuzzing.md). A plain build links it as a do-nothing binary.
    .executableTarget(
      name: "FuzzParser",
      dependencies: ["LogScanCore"]
    ),
    .testTarget(
      name: "LogScanCoreTests",
      dependencies: [
        "LogScanCore", "LogGenerator",
        // The reference the latency histogram is held to.
        .product(name: "Histogram", package: "hdrhistogram-swift"),
      ]
    ),
    .testTarget(
      name: "LogScanCLITests",
      dependencies: ["LogScanCore", "LogGenerator", "logscan", "loggen"]
    ),
  ]
)

for target in package.targets where target.type != .system && target.name != "CShims" {
  target.swiftSettings =
    (target.swiftSettings ?? []) + [
      .enableUpcomingFeature("ExistentialAny"),
      .enableUpcomingFeature("MemberImportVisibility"),
      .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}
