using System.Collections.Concurrent;

namespace Airlock.Sql.Analysis;

/// <summary>
/// A bounded cache with two generations: entries live in the current generation and, once it is full, it
/// becomes the old one and the one before is dropped. A hit in the old generation is copied forward, so
/// what is used often stays. At most <c>capacity</c> entries are held, even while many threads add at
/// once (adding takes a lock; a miss has just paid for a parse, which costs far more), and reads of the
/// current generation take no lock. A capacity below 2 leaves no room for a generation: nothing is kept.
/// </summary>
internal sealed class GenerationalCache<TValue>
    where TValue : class
{
    private readonly int _generationSize;
    private readonly Lock _write = new();
    private volatile ConcurrentDictionary<string, TValue> _current = new(StringComparer.Ordinal);
    private volatile ConcurrentDictionary<string, TValue> _previous = new(StringComparer.Ordinal);

    public GenerationalCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _generationSize = capacity / 2;
    }

    public int Count
    {
        get
        {
            lock (_write)
            {
                return _current.Count + _previous.Count;
            }
        }
    }

    public bool TryGet(string key, out TValue value)
    {
        if (_current.TryGetValue(key, out value!))
        {
            return true;
        }

        if (_previous.TryGetValue(key, out value!))
        {
            Add(key, value);
            return true;
        }

        return false;
    }

    public void Add(string key, TValue value)
    {
        if (_generationSize == 0)
        {
            return;
        }

        lock (_write)
        {
            if (_current.ContainsKey(key))
            {
                return;
            }

            if (_current.Count >= _generationSize)
            {
                _previous = _current;
                _current = new ConcurrentDictionary<string, TValue>(StringComparer.Ordinal);
            }

            _current.TryAdd(key, value);
        }
    }
}
