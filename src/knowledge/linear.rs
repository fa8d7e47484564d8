//! A softmax (multinomial logistic) classifier over the matcher's sparse features, trained on the
//! knowledge base's examples when the matcher is built. Where nearest-neighbour search follows the
//! single closest example, this learns which words tell one rule from another ("when" →
//! election day, "mean" → what neutrality means), however the rest of the question is worded.

/// One training example: a normalised sparse vector and its class.
pub(crate) struct Sample<'a> {
    pub x: &'a [(u32, f32)],
    pub class: usize,
    pub weight: f32,
}

pub(crate) struct Linear {
    classes: usize,
    /// Feature-major: the weights of feature `f` are `w[f * classes..(f + 1) * classes]`, so that
    /// scoring a question touches a few contiguous rows.
    w: Vec<f32>,
    bias: Vec<f32>,
}

/// Passes over the examples. The data is small (about a thousand examples), so training stays in
/// the tens of milliseconds.
const EPOCHS: usize = 40;
const LEARNING_RATE: f32 = 0.8;
/// Keeps any single rare word from deciding alone.
const L2: f32 = 1e-4;

impl Linear {
    pub fn train(samples: &[Sample<'_>], features: usize, classes: usize) -> Linear {
        let mut model = Linear {
            classes,
            w: vec![0.0; features * classes],
            bias: vec![0.0; classes],
        };
        let mut order: Vec<usize> = (0..samples.len()).collect();
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        let mut p = vec![0f32; classes];
        for epoch in 0..EPOCHS {
            // A fixed-seed shuffle: the same model on every start.
            for i in (1..order.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(i, (rng % (i as u64 + 1)) as usize);
            }
            let lr = LEARNING_RATE / (1.0 + epoch as f32 * 0.2);
            for &i in &order {
                let s = &samples[i];
                model.probabilities_into(s.x, &mut p);
                for (c, pc) in p.iter_mut().enumerate() {
                    *pc -= f32::from(u8::from(c == s.class));
                    *pc *= lr * s.weight;
                }
                for (c, g) in p.iter().enumerate() {
                    model.bias[c] -= g;
                }
                for &(f, x) in s.x {
                    let row = &mut model.w[f as usize * classes..(f as usize + 1) * classes];
                    for (wc, g) in row.iter_mut().zip(&p) {
                        *wc -= g * x + lr * L2 * *wc;
                    }
                }
            }
        }
        model
    }

    /// The class a feature speaks for most strongly, if any weight of it is positive.
    pub fn strongest_class(&self, f: u32) -> Option<usize> {
        let start = f as usize * self.classes;
        let row = self.w.get(start..start + self.classes)?;
        row.iter()
            .enumerate()
            .filter(|&(_, &w)| w > 0.0)
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(c, _)| c)
    }

    /// Class probabilities for a sparse vector.
    pub fn probabilities(&self, x: &[(u32, f32)]) -> Vec<f32> {
        let mut p = vec![0f32; self.classes];
        self.probabilities_into(x, &mut p);
        p
    }

    fn probabilities_into(&self, x: &[(u32, f32)], p: &mut [f32]) {
        p.copy_from_slice(&self.bias);
        for &(f, v) in x {
            let start = f as usize * self.classes;
            if let Some(row) = self.w.get(start..start + self.classes) {
                for (pc, wc) in p.iter_mut().zip(row) {
                    *pc += wc * v;
                }
            }
        }
        let max = p.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for pc in p.iter_mut() {
            *pc = (*pc - max).exp();
            sum += *pc;
        }
        for pc in p.iter_mut() {
            *pc /= sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_which_feature_tells_classes_apart() {
        // Feature 0 is shared; 1 marks class 0, 2 marks class 1.
        let a = [(0, 0.7), (1, 0.7)];
        let b = [(0, 0.7), (2, 0.7)];
        let samples = [
            Sample {
                x: &a,
                class: 0,
                weight: 1.0,
            },
            Sample {
                x: &b,
                class: 1,
                weight: 1.0,
            },
        ];
        let m = Linear::train(&samples, 3, 2);
        assert!(m.probabilities(&[(1, 1.0)])[0] > 0.8);
        assert!(m.probabilities(&[(2, 1.0)])[1] > 0.8);
        let p = m.probabilities(&[(0, 1.0)]);
        assert!((p[0] - p[1]).abs() < 0.2);
        // Features it never saw change nothing and break nothing.
        assert_eq!(m.probabilities(&[(99, 1.0)]).len(), 2);
    }
}
