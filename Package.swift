// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "stagebalans",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "stagebalans", targets: ["stagebalans"]),
        .library(name: "Ingest", targets: ["Ingest"]),
        .library(name: "Normalize", targets: ["Normalize"]),
        .library(name: "Reconcile", targets: ["Reconcile"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // The system's zlib, for ZipReading (Debian: zlib1g-dev).
        .systemLibrary(
            name: "CSystemZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // ZIP archives read in place and inflated as pull streams (the .xlsx container), without
        // Foundation; Pipeline hands its streams to Ingest, which must not depend on it.
        .target(name: "ZipReading", dependencies: ["CSystemZlib"]),
        // Engine mechanics with no business rule: threads, spill files, packed source rows.
        .target(name: "Engine"),
        // The domain's plain values: records, placements, agreements, findings, days.
        .target(name: "Domain", dependencies: ["Engine"]),
        // SPEC §4–§5 as plain functions over the domain's values.
        .target(name: "Rules", dependencies: ["Domain"]),
        .target(name: "Ingest", dependencies: ["Domain", "Engine", "CLibXML2"]),
        .target(name: "Normalize", dependencies: ["Domain", "Engine", "Rules", "Ingest"]),
        .target(name: "Reconcile", dependencies: ["Domain", "Engine", "Rules", "Normalize"]),
        .target(
            name: "Report",
            dependencies: ["Domain", "Rules", "Normalize", "Reconcile", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // libyaml's events (CYaml, built by Yams) without Foundation: see YAMLExpansionGuard.swift.
        .target(name: "YAMLGuard", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(
            name: "Pipeline",
            dependencies: ["Domain", "Engine", "Rules", "Ingest", "Normalize", "Reconcile", "Report", "YAMLGuard", "ZipReading",
                           .product(name: "Yams", package: "Yams"),
                           .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "stagebalans",
            dependencies: ["Pipeline", "Ingest", "Report", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Domain"], resources: [.copy("Fixtures")]),
        // .xlsx input: workbooks (hostile ones too) made byte by byte in the tests, read through Pipeline's ZIP opener.
        .testTarget(name: "WorkbookTests", dependencies: ["Ingest", "Pipeline", "ZipReading", "Domain", "CSystemZlib"]),
        // Whole runs held in memory, for the tests (the engine works partition by partition).
        .target(name: "TestSupport", dependencies: ["Normalize", "Reconcile", "Report", "Domain", "Engine"], path: "Tests/Support"),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Domain"]),
        .testTarget(name: "ReconcileTests", dependencies: ["TestSupport", "Reconcile", "Rules", "Normalize", "Ingest", "Domain", "Engine"]),
        .testTarget(name: "ReportTests", dependencies: ["TestSupport", "Report", "Rules", "Reconcile", "Normalize", "Ingest", "Domain"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "Ingest", "Domain", "stagebalans"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzz targets (libFuzzer), built only by scripts/fuzz.sh: `STAGEBALANS_FUZZ=1 swift build
// --sanitize=fuzzer --sanitize=address --scratch-path .build-fuzz`. The normal build has none.
if ProcessInfo.processInfo.environment["STAGEBALANS_FUZZ"] == "1" {
    package.targets += [
        .target(name: "FuzzSupport", dependencies: ["Ingest", "Pipeline"], path: "Fuzz/FuzzSupport"),
        .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", "Ingest", "Pipeline"], path: "Fuzz/FuzzCSV"),
        .executableTarget(name: "FuzzXML", dependencies: ["FuzzSupport", "Ingest", "Pipeline"], path: "Fuzz/FuzzXML"),
        .executableTarget(name: "FuzzDefinition", dependencies: ["Pipeline"], path: "Fuzz/FuzzDefinition"),
    ]
}
