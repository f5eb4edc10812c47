"""The words of the guided lessons: title, explanation, what to try, what to watch for.

Plain data, one entry per lesson name; the presets and the checkable claims are in
:mod:`playground.experiment.lessons`. The wording only promises what the checks
there verify (or what follows directly from them), and it names the controls the
page actually has. Knobs outside the top bar and the data column (dropout, batch
normalization, initialization, schedule, number of points) are in the "More knobs"
card under the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_WORDS = {
    "xor-linear": dict(
        title="A straight line cannot solve XOR",
        explanation=(
            "With no hidden layer the network is a single neuron, much like logistic "
            "regression: it thresholds a weighted sum of x1 and x2, so its decision boundary is "
            "one straight line. In XOR, opposite "
            "corners share a colour, and no single line puts both blue corners on one side and "
            "both orange corners on the other."
        ),
        try_this=(
            "Press Play and let it run for a few hundred epochs.",
            "Change the learning rate or the optimizer: it still cannot get past the line.",
            "Switch on the x1·x2 feature tile: now one weight is enough.",
        ),
        watch_for=(
            "The boundary in the output stays a straight line, cutting the plane in two halves.",
            "A line can get at most three of the four quadrants right, so test accuracy stays "
            "at or below 80 %; usually it is near 50 %, the rate of guessing.",
            "The loss curve flattens early and stays flat: more epochs do not help.",
        ),
    ),
    "xor-hidden": dict(
        title="One hidden layer solves XOR",
        explanation=(
            "Add a hidden layer of four tanh neurons. Each neuron draws its own line, and the "
            "output neuron combines those half-planes into a shape no single line could make. "
            "That combination is what a hidden layer with a non-linear activation buys you."
        ),
        try_this=(
            "Press Play and watch the four neuron maps in the hidden layer.",
            "Use − above the hidden layer to go down to two neurons, then one: where does it stop "
            "working?",
            "Tick Discretize output to see the final class regions sharply.",
        ),
        watch_for=(
            "Each hidden neuron's map is a soft half-plane: a straight edge, light on one side.",
            "The output becomes a checkerboard of four quadrants.",
            "Test accuracy climbs above 90 %.",
        ),
    ),
    "hidden-space": dict(
        title="A layer bends the plane until a line will do",
        explanation=(
            "Each layer applies an affine map (it rotates, scales, shears and shifts the "
            "plane) and then a non-linearity that bends it. The Hidden space view shows the "
            "training points where the last hidden layer puts them, its two units as x and y, "
            "with the input plane's grid bent the same way. The output neuron can only draw a "
            "straight line in that space, so the layers below must untangle XOR's four "
            "quadrants until one line separates the colours."
        ),
        try_this=(
            "Press Play and watch the points move in the Hidden space view.",
            "Pick layer 1 in the Hidden layer menu: its four units are shown two at a time.",
            "Remove the first hidden layer (− layer twice, then + layer) to keep only two "
            "units: the points stay tangled.",
        ),
        watch_for=(
            "At first the grid is barely bent and the two colours are mixed.",
            "By epoch 400 a straight line separates every training point in the hidden space.",
            "With two hidden units alone, no line separates them all: XOR's quadrants meet "
            "at the axes, and two bends are not enough.",
        ),
        views=("hidden_space",),
    ),
    "circle-squares": dict(
        title="The right features make a hard problem easy",
        explanation=(
            "A blue disc inside an orange ring needs a round boundary, which a single neuron on "
            "x1 and x2 cannot draw. Give it x1² and x2² instead: the circle x1² + x2² = r² is "
            "now a straight line in those new inputs, so no hidden layer is needed at all. "
            "Choosing good inputs is called feature engineering."
        ),
        try_this=(
            "Press Play: it is solved within a few epochs.",
            "Click the x1² and x2² tiles off and x1 and x2 on, then Reset and Play again.",
            "Try x1² alone: what shape of boundary can it draw?",
        ),
        watch_for=(
            "The output neuron's boundary is a closed ring although there is no hidden layer.",
            "Test accuracy reaches 95 % or more with the squares; with x1 and x2 instead it "
            "stays far lower.",
        ),
    ),
    "spiral-sines": dict(
        title="Sine features untangle the spiral",
        explanation=(
            "The two interleaved spirals are the hardest 2-D set here: from x1 and x2 alone a "
            "small network struggles for a long time. Adding sin(x1) and sin(x2) as inputs "
            "hands the network wavy patterns that already follow the turns of the arms, and "
            "two small hidden layers then finish the job."
        ),
        try_this=(
            "Press Play and watch the test loss fall.",
            "Switch the sin(x1) and sin(x2) tiles off, Reset and Play again with the same network.",
            "Add Noise and Regenerate: how much noise can it take?",
        ),
        watch_for=(
            "The feature maps for sin(x1) and sin(x2) are stripes.",
            "With the sine features test accuracy passes 90 %; without them it is much lower "
            "after the same number of epochs.",
        ),
    ),
    "linear-activation": dict(
        title="Linear layers stacked are still one line",
        explanation=(
            "Here two hidden layers of eight neurons each use the linear activation, which passes "
            "its input through unchanged. A linear function of a linear function is linear, so "
            "the whole network collapses into a single weighted sum and can only draw a straight "
            "line, however many layers you stack. The non-linearity is what makes depth useful."
        ),
        try_this=(
            "Press Play for a few hundred epochs.",
            "Switch the activation to tanh or ReLU and press Play again.",
            "Add layers with + layer while it stays linear: does anything change?",
        ),
        watch_for=(
            "Every neuron map, even in the second layer, is a plain gradient with straight "
            "contour lines.",
            "Test accuracy stays at or below 80 % with linear; with tanh the same network "
            "passes 95 %.",
        ),
    ),
    "step-activation": dict(
        title="A step function blocks learning",
        explanation=(
            "The step activation outputs 0 or 1, and its slope is zero everywhere (and undefined "
            "at the jump). Backpropagation multiplies by that slope, so no gradient ever reaches "
            "the weights below the output: the hidden layer keeps its random start forever. Only "
            "the output neuron learns, mixing six fixed, random half-planes."
        ),
        try_this=(
            "Press Play and hover over the edges into the hidden layer: their values never move.",
            "Switch the activation to sigmoid, a smooth step, and press Play again.",
        ),
        watch_for=(
            "The hidden neurons' maps are hard-edged half-planes that never change.",
            "Only the edges into the output change thickness.",
            "Test accuracy stays at or below 80 %.",
        ),
    ),
    "vanishing-gradient": dict(
        title="Deep sigmoid networks barely learn",
        explanation=(
            "Five hidden layers of sigmoid neurons. The slope of the sigmoid is at most 0.25, "
            "and backpropagation multiplies one such slope per layer, so the signal reaching the "
            "first layer is tiny: the gradient vanishes. The layers near the input hardly "
            "change and the loss sits at its starting value."
        ),
        try_this=(
            "Press Play for 300 epochs and watch the loss curve.",
            "Switch the activation to tanh, or ReLU, with the same five layers.",
            "Remove layers with − layer until it starts to learn.",
        ),
        watch_for=(
            "The training loss stays near 0.5, where it started.",
            "The first layer's weights move less than a tenth as much as the output layer's.",
            "With tanh the same network passes 95 % test accuracy.",
            "In the Gradient flow view (the Gradients button) the first layer's curve sits "
            "more than a hundred times below the output's; with ReLU and He initialization "
            "they stay within ten times of each other.",
        ),
        views=("gradients",),
    ),
    "batch-norm": dict(
        title="Batch normalization rescues the deep sigmoid network",
        explanation=(
            "The same five sigmoid layers as in the vanishing-gradient lesson, now with batch "
            "normalization: before each activation the inputs are rescaled to mean 0 and "
            "variance 1 over the batch (with a learned scale and shift). The sigmoids stay in "
            "their steep middle range, the gradient survives the trip back, and training works."
        ),
        try_this=(
            "Press Play and compare the loss curve with the vanishing-gradient lesson, which is "
            "this exact network without batch normalization.",
            "Raise the learning rate: batch normalization tolerates larger steps.",
        ),
        watch_for=(
            "The loss falls steadily and test accuracy passes 95 %.",
            "All five layers' neuron maps change, not only the last ones.",
        ),
    ),
    "dead-relu": dict(
        title="Dead ReLUs",
        explanation=(
            "ReLU outputs max(0, z): for a negative input both the output and the slope are "
            "zero. A large update can push a neuron's bias so far down that it is negative for "
            "every point; from then on it outputs 0, gets no gradient and never recovers: it "
            "is dead. A learning rate of 1 kills many of them here."
        ),
        try_this=(
            "Press Play and look at the hidden neurons' maps.",
            "Lower the learning rate to 0.03, press Reset, then Play.",
            "Switch to leaky ReLU, which keeps a small slope for negative inputs.",
        ),
        watch_for=(
            "Dead neurons have a single flat colour over the whole plane.",
            "At least 30 % of the hidden units die, and test accuracy stays at or below 80 %.",
        ),
    ),
    "zero-init": dict(
        title="Zero initialization: every neuron the same",
        explanation=(
            "This lesson starts all weights at zero (Initialization under More knobs). "
            "Every hidden neuron then computes the same "
            "output and receives the same gradient, so they stay identical copies forever: six "
            "neurons work like one. Random starting weights break this symmetry."
        ),
        try_this=(
            "Press Play and compare the six hidden neuron maps.",
            "Reset, click one edge into the hidden layer, type 0.5 and press Play: that neuron "
            "breaks away, while the other five stay copies of each other.",
            "Compare with the xor-hidden lesson, where random starting weights give four "
            "different neurons.",
        ),
        watch_for=(
            "All six hidden maps are identical, and so are their edges.",
            "Test accuracy stays at or below 75 %; with random (Xavier) starting weights the "
            "same network passes 95 %.",
        ),
    ),
    "lr-too-high": dict(
        title="A learning rate that is too high diverges",
        explanation=(
            "A single linear neuron fits a tilted plane, the easiest regression there is. But "
            "each step moves the weights by the learning rate times the gradient, and at 0.3 "
            "every step overshoots the minimum by more than it started with. The error grows "
            "with every step until the numbers overflow: training diverges."
        ),
        try_this=(
            "Press Play: within a few dozen epochs the page reports that training diverged.",
            "Set the learning rate to 0.1, press Reset and Play again.",
            "Find the edge: at 0.1 the plane is fitted (R² above 0.95), at 0.3 it blows up.",
        ),
        watch_for=(
            "The loss curve shoots up instead of down.",
            "The page stops training and says the loss became NaN or infinite.",
        ),
    ),
    "lr-too-low": dict(
        title="A learning rate that is too low crawls",
        explanation=(
            "The default circle network with a learning rate of 0.0003, a hundred times "
            "smaller than usual. Every step goes the right way but is so short that after 200 "
            "epochs the network has hardly left its starting point."
        ),
        try_this=(
            "Press Play and watch the loss for 200 epochs.",
            "Set the learning rate to 0.03, press Reset and Play again.",
        ),
        watch_for=(
            "The training loss stays above 0.4 and the output barely changes.",
            "At 0.03 the loss after the same 200 epochs is at least ten times lower.",
        ),
    ),
    "lr-decay": dict(
        title="Decay the learning rate to settle down",
        explanation=(
            "A high learning rate (1) makes fast progress at first, but on noisy data it keeps "
            "jumping around the minimum. This lesson halves the rate every 50 epochs "
            "(exponential decay: Learning-rate schedule under More knobs): big "
            "steps early, small careful steps later."
        ),
        try_this=(
            "Press Play and watch the loss curve over 300 epochs.",
            "Lower the learning rate to 0.1 by hand, as a decay would, and see the curve calm "
            "down.",
        ),
        watch_for=(
            "The loss curve is jagged early on and becomes smooth as the rate decays.",
            "At the end the loss wobbles less than a tenth as much as with a constant rate.",
        ),
    ),
    "full-batch": dict(
        title="Full batch: one step per epoch",
        explanation=(
            "The batch size says how many points each weight update averages over. With 250, "
            "the whole training set, you get one careful step per epoch; with 10 you get 25 "
            "noisier steps per epoch. At the same learning rate the small batches get much "
            "further in the same number of epochs."
        ),
        try_this=(
            "Press Play for 100 epochs.",
            "Set the batch size to 10, press Reset and Play again.",
            "Try a batch size of 1 (pure stochastic gradient descent).",
        ),
        watch_for=(
            "With the full batch the loss curve is smooth but slow: still above 0.4 after "
            "100 epochs.",
            "With batches of 10 the loss after 100 epochs is at most half as high.",
        ),
    ),
    "momentum": dict(
        title="Momentum gets there sooner",
        explanation=(
            "Plain stochastic gradient descent steps downhill by the current gradient. Momentum "
            "keeps a running sum of past steps, like a ball rolling downhill: where the gradient "
            "keeps pointing the same way, the steps grow up to ten times larger (with a "
            "momentum of 0.9), and zig-zags cancel out."
        ),
        try_this=(
            "Press Play and note the epoch at which the training loss drops below 0.05.",
            "Set the optimizer to SGD, press Reset and Play again.",
            "Try Nesterov, a variant that looks ahead before it steps.",
        ),
        watch_for=(
            "With momentum the loss reaches 0.05 in less than a third of the epochs plain "
            "SGD needs.",
        ),
    ),
    "adam": dict(
        title="Adam adapts each weight's step",
        explanation=(
            "Adam combines momentum with a separate step size per weight: it divides each "
            "weight's step by a running average of that weight's recent gradient size. Weights "
            "with small gradients get relatively bigger steps, so progress is even across the "
            "network. RMSProp does the second half of this, Adagrad an older version of it."
        ),
        try_this=(
            "Press Play and note when the training loss drops below 0.05.",
            "Set the optimizer to SGD, press Reset and compare; then try RMSProp and momentum.",
        ),
        watch_for=(
            "Adam reaches a loss of 0.05 in at most a fifth of the epochs plain SGD needs.",
        ),
    ),
    "regression-plane": dict(
        title="Regression: predict a number, not a class",
        explanation=(
            "In regression every point carries a number (the colour) instead of a class. The "
            "output neuron is then linear, so it can produce any value, and the loss is the "
            "squared error; in classification the output is squashed (tanh, sigmoid or softmax) "
            "and paired with a loss made for classes. A single linear neuron fits this tilted "
            "plane: that is linear regression."
        ),
        try_this=(
            "Press Play: the fit is almost perfect well before 200 epochs.",
            "Pick the Multi Gaussian set (six bumps): a plane cannot fit that; add hidden layers.",
        ),
        watch_for=(
            "There is no accuracy here: the page shows the loss, and the output is a smooth "
            "colour ramp.",
            "R², the share of the variation explained, reaches 0.99 on the test points.",
        ),
    ),
    "mae-outliers": dict(
        title="Outliers: absolute error shrugs, squared error chases",
        explanation=(
            "A fifth of the training points of the tilted plane carry a wild target, two to "
            "three times as far out as any true one (Outliers under More knobs); the test "
            "points keep the true targets, so they measure how well the plane itself is fitted. "
            "The squared error grows with the square of a miss, so a few wild points pull the "
            "fit towards them; the mean absolute error grows only linearly and follows the "
            "majority. Test loss is measured with each run's own loss, so compare R² instead."
        ),
        try_this=(
            "Press Play for 300 epochs: the wild points show in the deepest orange or blue, "
            "out of step with their neighbours, and the output stays a smooth ramp.",
            "Set Loss to square under More knobs and play again.",
            "Set Outliers back to 0 and compare once more.",
        ),
        watch_for=(
            "With the absolute error (mae) R², the share of the variation explained, "
            "reaches 0.95 on the test points (playground train prints it as test_r2).",
            "With the squared error the output bends towards the wild points and R² stays "
            "below 0.85.",
            "Without outliers the squared error fits the plane just as well (R² above 0.95).",
        ),
    ),
    "width": dict(
        title="Width: enough neurons fit any shape",
        explanation=(
            "One hidden layer with enough neurons can approximate any smooth function: each "
            "neuron contributes one soft step, and many steps add up to any bump you like. "
            "Sixteen neurons capture the six bumps of this regression set reasonably well; two "
            "neurons cannot. Stacking layers is the other way to add capacity: try it and compare."
        ),
        try_this=(
            "Press Play for 500 epochs.",
            "Use − above the hidden layer to go down to two neurons, Reset and Play.",
            "Try two layers of four (+ layer) instead of one of sixteen.",
        ),
        watch_for=(
            "With 16 neurons R² passes 0.5 and the six bumps show in the output.",
            "With 2 neurons R² is less than half of that, and most bumps are missing.",
        ),
    ),
    "sanity-check": dict(
        title="Sanity check: first overfit a tiny data set",
        explanation=(
            "Before training on lots of data, check that the network and the training can fit "
            "a handful of points perfectly. Here there are twenty training points with many "
            "labels scrambled by noise, and no regularization. If the loss does not go "
            "to about zero on so little data, something is wrong with the set-up, not the data."
        ),
        try_this=(
            "Press Play and watch the training loss.",
            "Tick Show test data: the test points are another matter.",
            "Turn on L2 regularization at rate 0.1: can it still reach zero?",
        ),
        watch_for=(
            "The training loss drops to 0.01 or less and every training point is classified "
            "correctly.",
            "The boundary bends around single points: the network memorises.",
        ),
    ),
    "overfitting": dict(
        title="Overfitting: learning the noise",
        explanation=(
            "Only 100 training points, 30 % noise (labels flipped near the border) and two "
            "layers of 16 neurons: far more capacity than the data justify. The network first "
            "learns the circle, then carries on and bends its boundary around the noisy points. "
            "Training accuracy keeps rising while test accuracy does not."
        ),
        try_this=(
            "Press Play for 1000 epochs and compare the training and test curves.",
            "Tick Show test data to see where the islands around single training points fail.",
            "Use − to make the layers smaller, or raise the training ratio.",
        ),
        watch_for=(
            "Training accuracy ends at least 8 percentage points above test accuracy.",
            "Small islands and fingers appear in the output around individual points.",
        ),
    ),
    "more-data": dict(
        title="More data narrows the gap",
        explanation=(
            "The overfitting set-up again, but with ten times as many points: 5000, of which "
            "1000 train (Number of points under More knobs). With more examples each noisy "
            "point is outvoted by its neighbours, so "
            "memorising it no longer pays."
        ),
        try_this=(
            "Press Play for 1000 epochs and compare with the overfitting lesson.",
            "Raise the ratio of training to test data for yet more training points.",
        ),
        watch_for=(
            "The gap between training and test accuracy is less than 60 % of the overfitting "
            "lesson's.",
            "The boundary is smoother, closer to the true circle.",
        ),
    ),
    "early-stopping": dict(
        title="Early stopping: pause at the lowest validation loss",
        explanation=(
            "The overfitting set-up, with half of the training side held out as validation "
            "points (hollow): the network never trains on them. Watch the validation loss: it "
            "falls at first, reaches a minimum, then climbs while the training loss keeps "
            "falling. Early stopping keeps the weights at that minimum, the simplest "
            "regularizer of all. The choice is made on validation, never on test: the test "
            "loss stays an honest check of the weights chosen."
        ),
        try_this=(
            "Press Play and pause when the validation loss stops falling.",
            "Note the epoch, Reset, and stop there next time; then read the test loss.",
        ),
        watch_for=(
            "The validation loss is lowest within the first 300 epochs.",
            "By epoch 1000 it is at least 20 % higher than at its lowest.",
            "The test loss where validation was lowest is at most 90 % of the final one.",
        ),
    ),
    "l2": dict(
        title="L2 regularization: weight decay",
        explanation=(
            "L2 adds the rate times the sum of squared weights (halved) to the loss, so every "
            "step also shrinks each weight a little towards zero. Large weights are what let "
            "the network draw sharp islands around noisy points; with small weights the "
            "boundary stays smooth. This is the overfitting set-up with L2 at rate 0.01."
        ),
        try_this=(
            "Press Play for 1000 epochs and compare with the overfitting lesson.",
            "Set regularization to none, Reset and Play; then try rates 0.001 and 0.1.",
        ),
        watch_for=(
            "The edges in the network are thinner: the typical weight is less than half as "
            "large as without L2.",
            "The train/test accuracy gap is under 70 % of what it is without L2.",
        ),
    ),
    "l1": dict(
        title="L1 regularization makes weights exactly zero",
        explanation=(
            "L1 adds the rate times the sum of absolute weights to the loss. Its push towards "
            "zero does not fade for small weights as L2's does, so unneeded weights end up at "
            "exactly zero and their edges disappear. With all seven features switched on, L1 "
            "finds out for you which ones the circle needs."
        ),
        try_this=(
            "Press Play and watch which edges from the feature tiles vanish.",
            "Switch regularization to L2 at the same rate: weights shrink but rarely hit zero.",
        ),
        watch_for=(
            "At least a quarter of all weights are exactly zero.",
            "The circle is still solved: test accuracy 95 % or more.",
        ),
    ),
    "dropout": dict(
        title="Dropout: train a different thinned network each step",
        explanation=(
            "Dropout switches off each hidden neuron with probability 0.5 at every training "
            "step (Dropout rate under More knobs). No neuron can rely "
            "on a particular partner, so the network cannot build delicate structures around "
            "single points. At test time all neurons are on."
        ),
        try_this=(
            "Press Play for 1000 epochs and compare with the overfitting lesson, the same "
            "network without dropout.",
            "Tick Show test data and compare the boundary around the noisy points.",
        ),
        watch_for=(
            "Training accuracy ends lower than without dropout: the network can no longer "
            "memorise every noisy point.",
            "The train/test accuracy gap is less than 80 % of the gap without dropout.",
        ),
    ),
    "lr-search": dict(
        title="Searching for a learning rate on a log scale",
        explanation=(
            "A hyperparameter is a setting you choose rather than train. Good learning rates "
            "differ by powers of ten between problems, so try values spaced by factors of ten "
            "(0.0001, 0.001, ..., 10) and compare the validation loss after the same number "
            "of epochs: a fifth of the training points is held out for it. Choose on "
            "validation, then read the test figure of your choice once; choosing on the test "
            "set would make its figure flatter you. For several hyperparameters at once, "
            "random values (on a log scale) find good regions faster than a regular grid."
        ),
        try_this=(
            "For each learning rate from 0.0001 to 10: set it, press Reset, train 200 epochs "
            "and write down the validation loss.",
            "Narrow the search around the best value; then read its test accuracy.",
        ),
        watch_for=(
            "Neither the smallest nor the largest rate wins: the best validation loss is in "
            "between, at most half of the better end's.",
            "The rate chosen on validation reaches at least 85 % test accuracy.",
        ),
    ),
    "random-vs-grid": dict(
        title="Random search beats a grid",
        explanation=(
            "Searching two knobs when only one of them matters, a 3 x 3 grid spends its nine "
            "trials on just three values of the knob that matters: each is tried three times "
            "with the other knob changed, and those repeats teach nothing. Nine random trials "
            "(drawn on a log scale for the learning rate) try nine learning rates, so one is "
            "far more likely to land in the good region. Trials are compared on the "
            "validation points held out of the training data, never on the test points, "
            "which are looked at once, for the chosen trial."
        ),
        try_this=(
            "In the Experiments mode, vary the learning rate from 0.0001 to 1 on a log scale "
            "and momentum from 0.1 to 0.9 (plain SGD ignores momentum), 100 epochs: run a "
            "grid of 9 trials, then a random search of 9.",
            "Or on the command line: playground sweep --query "
            "'dataset=spiral&hidden=8,8&features=x1,x2,sinx1,sinx2&validation_ratio=20' "
            "--vary learning_rate=1e-4:1:log --vary momentum=0.1:0.9 --trials 9 --epochs 100 "
            "--search grid, then the same with --search random.",
            "Count the learning rates each search tried and compare their best validation loss.",
        ),
        watch_for=(
            "The grid tries 3 learning rates (0.0001, 0.01 and 1) and gets only 3 different "
            "results; random search tries 9, and its best validation loss is a small fraction "
            "of the grid's.",
        ),
    ),
    "several-classes": dict(
        title="Several classes: softmax and cross-entropy",
        explanation=(
            "For more than two classes the output layer has one neuron per class and softmax "
            "turns their values into probabilities that add up to 1. The loss is the cross-"
            "entropy: minus the log of the probability given to the right class. An untrained "
            "network guesses every class equally, 1/5 each, so the loss starts near "
            "ln 5 ≈ 1.61."
        ),
        try_this=(
            "Before pressing Play, read the loss shown above the output: it is the untrained "
            "network's.",
            "Press Play; then change the number of classes and compare the starting loss with "
            "ln(classes).",
        ),
        watch_for=(
            "The starting loss is close to ln 5 ≈ 1.61 (within 15 %).",
            "Five coloured regions appear and test accuracy passes 80 %.",
        ),
    ),
    "hinge-vs-cross-entropy": dict(
        title="The SVM loss is satisfied; cross-entropy never is",
        explanation=(
            "Two losses for several classes. The multi-class SVM (hinge) loss asks each wrong "
            "class's score to stay at least 1 below the right one's and charges nothing once "
            "it is: here every training point clears its margin, the loss is exactly 0 and so "
            "is the gradient, and training stops changing the network. Softmax cross-entropy "
            "always wants the right class a little more probable: its loss only approaches 0 "
            "and its gradient keeps pushing the scores apart."
        ),
        try_this=(
            "Press Play and watch the training loss reach 0.000.",
            "Open the Gradient flow view (the Gradients button): the output's gradient "
            "drops out of the chart (it is exactly 0).",
            "Set Loss to softmax_ce under More knobs (Output auto picks softmax) and play again.",
        ),
        watch_for=(
            "With hinge the training loss and the output layer's gradient are exactly 0.",
            "With cross-entropy the loss is small but never 0, and the gradient stays.",
            "Both classify the test points alike, above 95 %.",
        ),
        views=("gradients",),
    ),
    "accuracy-hides": dict(
        title="Accuracy hides a rare class",
        explanation=(
            "Only one point in ten belongs to the blue class here (Share of class +1 under "
            "More knobs), and a linear model cannot wrap a line around the blue disc. So it "
            "says orange everywhere and is right nine times in ten. Recall, the share of the "
            "blue points it finds, and the ROC curve show what that 90 % hides."
        ),
        try_this=(
            "Press Play for 200 epochs and read test accuracy, then the confusion matrix.",
            "Look at the ROC curve: it hugs the diagonal of guessing.",
            "Set Share of class +1 to 0.5 and play again: the same model, now without the "
            "crutch of the majority.",
        ),
        watch_for=(
            "Test accuracy passes 85 % while the recall of the blue class is at most 50 % "
            "(usually 0).",
            "The area under the ROC curve stays at or below 0.7, near the 0.5 of a coin.",
            "On balanced data the same model's test accuracy drops to 75 % or less.",
        ),
        views=("metrics",),
    ),
    "mnist-softmax": dict(
        title="MNIST: the loss at chance is ln 10",
        explanation=(
            "Softmax regression on 10,000 handwritten digits: no hidden layer, one output "
            "neuron per digit, all weights starting at zero. With zero weights each digit gets "
            "probability 1/10, so the first loss is exactly ln 10 ≈ 2.30: a quick check that "
            "the loss is wired up correctly. From there it falls fast."
        ),
        try_this=(
            "Press Play for three epochs and watch the loss leave the dotted chance line.",
            "Look at the weight images: each becomes a blurry template of its digit.",
            "Draw a digit on the pad and see the ten probabilities.",
        ),
        watch_for=(
            "The loss starts at 2.30 and after three epochs the test loss is below 0.6.",
            "Test accuracy passes 85 % without any hidden layer.",
        ),
    ),
    "mnist-confusion": dict(
        title="MNIST: what accuracy hides",
        explanation=(
            "A network with one hidden layer of 128 ReLU neurons reaches over 90 % accuracy "
            "in three epochs. But one number hides which digits it gets wrong. The confusion "
            "matrix counts, for each true digit (row), what the network said (column); recall "
            "is the share of a digit it finds, precision the share of its guesses that are right."
        ),
        try_this=(
            "Press Play for three epochs, then read the confusion matrix.",
            "Click a bright off-diagonal cell to see those mistakes.",
            "Compare per-digit precision and recall in the table.",
        ),
        watch_for=(
            "Test accuracy passes 90 %.",
            "Recall differs by at least 5 percentage points between the best and the worst digit.",
        ),
    ),
    "weight-sharing": dict(
        title="Convolution: fewer weights, better digits",
        explanation=(
            "A convolution layer slides the same small filter (5×5 weights and a bias) over "
            "every position of the image, so a stroke detector learned in one corner works "
            "everywhere: the weights are shared. Two conv layers of 8 and 16 filters with 2×2 "
            "max pooling, then straight to the ten outputs, have {conv_params:,} parameters; "
            "the dense 784-128-10 network has {dense_params:,}. Both train one epoch on the "
            "same 4,000 digits and are tested on 1,000."
        ),
        try_this=(
            "Press Play for one epoch and read the test accuracy.",
            "Set the conv layers to none and the hidden layers to 128, and train one epoch again.",
            "Compare the two parameter counts with the two accuracies.",
        ),
        watch_for=(
            "The conv net has under a fifth of the dense net's parameters.",
            "After one epoch its test accuracy is higher than the dense net's.",
        ),
    ),
    "pooling-shifts": dict(
        title="Pooling: a digit moved two pixels is still a 7",
        explanation=(
            "Each 2×2 max pooling keeps the strongest response of four neighbours and halves "
            "the maps, so a stroke moved by a pixel or two still lights up nearly the same "
            "pooled units. A dense network has one weight per pixel: move the digit and "
            "different weights see it. Here both networks train one epoch on 4,000 digits, "
            "then every one of 1,000 test digits is moved {shift_px} pixels (up, down, left or "
            "right) and we count how often the predicted digit stays the same."
        ),
        try_this=(
            "Press Play for one epoch, then draw a digit on the pad near one edge.",
            "Switch the conv layers to none (hidden layers 128) and compare.",
            "Set pooling to none: the conv net becomes less tolerant of shifts.",
        ),
        watch_for=(
            "The conv net keeps its answer for more of the moved test digits than the dense "
            "net does.",
        ),
    ),
    "augmentation": dict(
        title="Augmentation: more data from the data you have",
        explanation=(
            "With only 1,000 training digits a dense network of 128 units learns them by "
            "heart: training accuracy reaches 100 % while the 1,000 test digits lag far "
            "behind. Shifting each training image by up to {shift_px} pixels and turning it by "
            "up to {rotate_deg}° every epoch shows the network new versions of the same digits, "
            "never the test set. It can no longer memorise the exact pixels, so the gap "
            "narrows and the test accuracy rises."
        ),
        try_this=(
            "Press Play for 30 epochs and compare training and test accuracy.",
            "Turn augmentation off and train again from the start.",
            "Try noise too, or all three.",
        ),
        watch_for=(
            "With shift and rotate the train/test gap is well under two thirds of the gap "
            "without augmentation.",
            "The test accuracy is higher with augmentation.",
        ),
    ),
    "feature-scaling": dict(
        title="Feature scaling: standardized pixels learn faster",
        explanation=(
            "Raw pixels lie in [0, 1], are all positive and each has its own spread, so plain "
            "gradient descent takes steps that suit some weights and not others, and a sigmoid "
            "layer starts far from its steep middle. Standardizing subtracts each pixel's "
            "training mean and divides by its training standard deviation: every input is "
            "centred at 0 with spread 1. The same network (64 sigmoid units, plain SGD) trains "
            "two epochs on 5,000 digits, standardized and raw, and is tested on 1,000."
        ),
        try_this=(
            "Press Play for two epochs and read the test accuracy.",
            "Set Standardize inputs to none and train again from the start.",
            "Try 'global' (one mean and deviation for all pixels) as well.",
        ),
        watch_for=(
            "Standardized per pixel, test accuracy passes 80 %.",
            "It is at least 1.1 times the test accuracy on raw pixels.",
        ),
    ),
}

#: Each lesson's words by lesson name: title, explanation, try_this, watch_for.
TEXT: Mapping[str, Mapping[str, object]] = MappingProxyType(_WORDS)
