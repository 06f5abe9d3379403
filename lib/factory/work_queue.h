// A bounded multi-producer multi-consumer queue for the batch pipeline (reader -> workers ->
// ledger writer). The bound is what keeps a million-device batch at flat memory: a fast
// producer waits for the consumers instead of piling rows up.
//
// Hand-overs are batched, because a wake-up per device (a context switch each way) cost more
// than the rest of the pipeline on a busy machine: a waiting consumer is woken only once
// `wake_consumer_at` items are queued (or when the producers finish), and a waiting producer
// only once the queue has drained to half. Internal to lib/factory.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

namespace iotonb::factory {

template <typename T>
class WorkQueue {
 public:
  // producers: how many producer_done() calls close the queue.
  WorkQueue(std::size_t capacity, std::size_t producers, std::size_t wake_consumer_at = 1)
      : capacity_(capacity < 2 ? 2 : capacity),
        producers_(producers),
        wake_consumer_at_(wake_consumer_at < 1 ? 1 : (wake_consumer_at > capacity_ ? capacity_ : wake_consumer_at)) {}

  // Blocks while full. False when the queue was cancelled (the item is dropped).
  bool push(T item) {
    std::unique_lock lock(mutex_);
    if (items_.size() >= capacity_ && !cancelled_) {
      ++waiting_producers_;
      not_full_.wait(lock, [&] { return items_.size() <= capacity_ / 2 || cancelled_; });
      --waiting_producers_;
    }
    if (cancelled_) return false;
    items_.push_back(std::move(item));
    if (waiting_consumers_ > 0 && items_.size() >= wake_consumer_at_) not_empty_.notify_one();
    return true;
  }

  // Blocks while empty. nullopt once every producer is done and the queue is drained, or at
  // once when cancelled.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    if (!wait_for_items(lock)) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    wake_producers();
    return item;
  }

  // Everything queued (at least one item) into out; false when pop() would return nullopt.
  bool pop_all(std::vector<T>& out) { return pop_some(out, std::numeric_limits<std::size_t>::max()); }

  // Up to max queued items (at least one) into out; false when pop() would return nullopt.
  bool pop_some(std::vector<T>& out, std::size_t max) {
    out.clear();
    std::unique_lock lock(mutex_);
    if (!wait_for_items(lock)) return false;
    while (!items_.empty() && out.size() < max) {
      out.push_back(std::move(items_.front()));
      items_.pop_front();
    }
    wake_producers();
    return true;
  }

  void producer_done() {
    std::lock_guard lock(mutex_);
    if (producers_ > 0 && --producers_ == 0) not_empty_.notify_all();
  }

  // Wakes everyone; later pushes fail and pops return nullopt. Used to stop on the first error.
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  bool wait_for_items(std::unique_lock<std::mutex>& lock) {
    if (items_.empty() && producers_ > 0 && !cancelled_) {
      ++waiting_consumers_;
      not_empty_.wait(lock, [&] { return items_.size() >= wake_consumer_at_ || producers_ == 0 || cancelled_; });
      --waiting_consumers_;
    }
    return !cancelled_ && !items_.empty();
  }
  void wake_producers() {
    if (waiting_producers_ > 0 && items_.size() <= capacity_ / 2) not_full_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<T> items_;
  const std::size_t capacity_;
  std::size_t producers_;
  const std::size_t wake_consumer_at_;
  std::size_t waiting_producers_ = 0;
  std::size_t waiting_consumers_ = 0;
  bool cancelled_ = false;
};

}  // namespace iotonb::factory
