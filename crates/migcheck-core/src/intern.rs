//! Names held once and referred to by number: a file of 100,000 indexes on 100 tables, or
//! 100,000 objects in `public`, would otherwise hold a copy of the same name for each.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

/// Values numbered in the order they were first seen.
#[derive(Debug, Clone)]
pub struct Numbered<K> {
    values: Vec<K>,
    numbers: HashMap<K, u32>,
}

impl<K> Default for Numbered<K> {
    fn default() -> Self {
        Self {
            values: Vec::new(),
            numbers: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq + Clone> Numbered<K> {
    /// The number of `value`, given it now if it has none.
    pub fn number(&mut self, value: K) -> u32 {
        if let Some(&n) = self.numbers.get(&value) {
            return n;
        }
        let n = u32::try_from(self.values.len()).expect("fewer than 2^32 names");
        self.values.push(value.clone());
        self.numbers.insert(value, n);
        n
    }

    /// The number of `value`, when it has one.
    pub fn find<Q: Hash + Eq + ?Sized>(&self, value: &Q) -> Option<u32>
    where
        K: Borrow<Q>,
    {
        self.numbers.get(value).copied()
    }

    /// The value numbered `n`.
    pub fn get(&self, n: u32) -> &K {
        &self.values[n as usize]
    }

    /// Every value, by number.
    pub fn values(&self) -> &[K] {
        &self.values
    }
}

#[cfg(test)]
mod tests {
    use super::Numbered;

    #[test]
    fn a_value_keeps_its_first_number() {
        let mut n: Numbered<String> = Numbered::default();
        assert_eq!(n.number("public".into()), 0);
        assert_eq!(n.number("app".into()), 1);
        assert_eq!(n.number("public".into()), 0);
        assert_eq!((n.find("app"), n.find("nope")), (Some(1), None));
        assert_eq!(n.get(1), "app");
        assert_eq!(n.values().len(), 2);
    }
}
