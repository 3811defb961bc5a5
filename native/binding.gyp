{
  "targets": [
    {
      "target_name": "sharpsweep_native",
      "sources": ["src/gemm.cc", "src/addon.cc"],
      "cflags_cc": ["-O3", "-std=gnu++17", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-maybe-uninitialized"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++1y", "-std=gnu++14"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=gnu++17"] }
    }
  ]
}
