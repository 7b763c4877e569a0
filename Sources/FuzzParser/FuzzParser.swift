func LLVMFuzzerTestOneInput() {}
