# The two commands a newcomer needs:
#   make run    install, build, generate the example models, serve them on port 8501
#   make test   install, build, run every test
BUILD_DIR ?= build
BUILD_TYPE ?= Release
MODELS_DIR ?= $(BUILD_DIR)/models
SERVE_FLAGS ?= --rest_api_port=8501

.PHONY: setup build models run test bench asan tsan clean

setup:
	tools/setup.sh

build: setup
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR)

models: build
	/usr/bin/python3 examples/make_models.py $(MODELS_DIR)

run: models
	$(BUILD_DIR)/serval serve --model_repository=$(MODELS_DIR) $(SERVE_FLAGS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j2

bench: build
	tools/setup.sh --bench
	bench/rest_predict.sh

# Sanitizer builds, in their own folders.
asan:
	$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug \
	  CMAKE_FLAGS="-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined"

tsan:
	$(MAKE) test BUILD_DIR=build-tsan BUILD_TYPE=Debug \
	  CMAKE_FLAGS="-DCMAKE_CXX_FLAGS='-fsanitize=thread -Wno-tsan'"

clean:
	rm -rf build build-asan build-tsan
