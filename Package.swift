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
        // The system's zlib (Debian's zlib1g-dev), one C module for both directions: deflate and crc32
        // for the workbook's ZIP container (behind ZlibStream, a Swift interface of bytes that imports
        // nothing else: the C module beside Foundation and libxml2's headers fails a clean build, ICU's
        // UErrorCode twice), inflate and crc32 for reading .xlsx inputs (ZipReading).
        .systemLibrary(name: "SystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ZlibStream", dependencies: ["SystemZlib"]),
        // ZIP archives read in place and inflated as pull streams (the .xlsx container), without
        // Foundation; Pipeline hands its streams to Ingest, which must not depend on it.
        .target(name: "ZipReading", dependencies: ["SystemZlib"]),
        // Engine mechanics with no business rule: threads, spill files, packed source rows.
        .target(name: "Engine"),
        // The domain's plain values: records, placements, agreements, findings, days.
        .target(name: "Domain", dependencies: ["Engine"]),
        // SPEC §4–§5 as plain functions over the domain's values.
        .target(name: "Rules", dependencies: ["Domain"]),
        // The plan's block schedule: a maximum flow with its minimum cut for one type of student,
        // an integer programme over types of students for a cohort with different requirements.
        .target(name: "Scheduling", dependencies: ["Domain", "Rules"]),
        // CBC (COIN-OR branch and cut, EPL-2.0) from Debian's coinor-libcbc-dev, behind CoinSolver: a
        // `LinearSolver` of plain values, without Foundation (a C module beside Foundation and libxml2's
        // headers has failed clean builds on ICU's UErrorCode; see docs/architecture.md).
        .systemLibrary(name: "CCoinCbc", pkgConfig: "cbc", providers: [.apt(["coinor-libcbc-dev"])]),
        .target(name: "CoinSolver", dependencies: ["CCoinCbc", "Scheduling"]),
        .target(name: "Ingest", dependencies: ["Domain", "Engine", "CLibXML2"]),
        .target(name: "Normalize", dependencies: ["Domain", "Engine", "Rules", "Ingest"]),
        .target(name: "Reconcile", dependencies: ["Domain", "Engine", "Rules", "Normalize"]),
        .target(
            name: "Report",
            dependencies: ["Domain", "Rules", "Normalize", "Reconcile", "Scheduling", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The xlsx workbook: declared tables as SpreadsheetML sheets in a ZIP container (zlib's
        // deflate), streamed. Apart from Ingest: it needs no Foundation, but keeps zlib out of
        // the module that imports libxml2's headers.
        .target(name: "Workbook", dependencies: ["Report", "Domain", "ZlibStream"]),
        // libyaml's events (CYaml, built by Yams) without Foundation: see YAMLExpansionGuard.swift.
        .target(name: "YAMLGuard", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(
            name: "Pipeline",
            dependencies: ["Domain", "Engine", "Rules", "Ingest", "Normalize", "Reconcile", "Report", "Scheduling", "CoinSolver", "Workbook", "YAMLGuard",
                           "ZipReading",
                           .product(name: "Yams", package: "Yams"),
                           .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "stagebalans",
            dependencies: ["Pipeline", "Ingest", "Report", "Scheduling", "Workbook", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Domain"], resources: [.copy("Fixtures")]),
        // Whole runs held in memory, for the tests (the engine works partition by partition).
        .target(name: "TestSupport", dependencies: ["Normalize", "Reconcile", "Report", "Scheduling", "Rules", "Domain", "Engine", "ZlibStream"],
                path: "Tests/Support"),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Domain"]),
        .testTarget(name: "SchedulingTests", dependencies: ["Scheduling", "CoinSolver", "Rules", "Domain"]),
        .testTarget(name: "ReconcileTests", dependencies: ["TestSupport", "Reconcile", "Rules", "Normalize", "Ingest", "Domain", "Engine"]),
        .testTarget(name: "ReportTests", dependencies: ["TestSupport", "Report", "Scheduling", "Rules", "Reconcile", "Normalize", "Ingest", "Domain"]),
        // Workbooks written (the xlsx output) and read (.xlsx inputs, hostile ones too, made byte by
        // byte in the tests and read through Pipeline's ZIP opener).
        .testTarget(name: "WorkbookTests", dependencies: ["TestSupport", "Workbook", "Report", "Scheduling", "Rules", "Domain", "Ingest", "Pipeline",
                                                          "ZipReading", "SystemZlib"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["TestSupport", "Pipeline", "Ingest", "Domain", "Report", "Scheduling", "Rules", "Workbook", "stagebalans"],
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

// The plan's solvers at the size (docs/planning.md#solver), built only by
// scripts/bench_schedule.sh: `STAGEBALANS_SCHEDULE_BENCH=1 swift build -c release --product ScheduleBench`.
if ProcessInfo.processInfo.environment["STAGEBALANS_SCHEDULE_BENCH"] == "1" {
    package.targets += [
        .executableTarget(name: "ScheduleBench", dependencies: ["Scheduling", "CoinSolver", "CCoinCbc", "Rules", "Domain"],
                          path: "Bench/ScheduleBench"),
    ]
}
