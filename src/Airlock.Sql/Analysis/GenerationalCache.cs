using System.Collections.Concurrent;

namespace Airlock.Sql.Analysis;

/// <summary>
/// A bounded cache with two generations: entries live in the current generation and, once it is full, it
/// becomes the old one and the one before is dropped. A hit in the old generation is copied forward, so
/// what is used often stays. At most <c>capacity</c> entries are held, and reads take no lock.
/// </summary>
internal sealed class GenerationalCache<TValue>(int capacity)
    where TValue : class
{
    private readonly int _generationSize = Math.Max(1, capacity / 2);
    private readonly Lock _rotate = new();
    private ConcurrentDictionary<string, TValue> _current = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, TValue> _previous = new(StringComparer.Ordinal);

    public int Count => _current.Count + _previous.Count;

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
        if (_current.Count >= _generationSize)
        {
            lock (_rotate)
            {
                if (_current.Count >= _generationSize)
                {
                    _previous = _current;
                    _current = new ConcurrentDictionary<string, TValue>(StringComparer.Ordinal);
                }
            }
        }

        _current.TryAdd(key, value);
    }
}
