// The jobs of custos-agent-worker (worker_main.cpp): each reads its first
// frame's parameters and content, answers on the channel, and returns the
// process's exit status.
#pragma once

#include "custos/agent/worker_channel.hpp"

namespace custos::agent::worker {

int view_job(int channel, const FrameHead& job);
int print_job(int channel, const FrameHead& job);
int cancel_job(int channel, const FrameHead& job);
int preview_job(int channel, const FrameHead& job);

// The frame's text field `key`, or "".
std::string text_of(const boost::json::object& meta, const char* key);
std::int64_t number_of(const boost::json::object& meta, const char* key);

// Answers `error` on the channel; the exit status of a job that failed.
int answer_error(int channel, const Error& error);

}  // namespace custos::agent::worker
