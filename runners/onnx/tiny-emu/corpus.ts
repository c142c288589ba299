// The fixed text tiny-emu's tokenizer learns its merges from. Changing it changes every token id, so
// treat it as frozen: the cached model folder is keyed by a hash that includes this text.

const promptPhrases = [
  'based on the picture, answer in one word or phrase.',
  'based on the picture, what is in the image? short answer:',
  'You are a helpful assistant, dedicated to provide concise and efficient answers.',
  '[USER]: what is the man holding? Answer the question using a single word or phrase. [ASSISTANT]: umbrella',
  '[USER]: how many people are there? Answer the question using a single word or phrase. [ASSISTANT]: 2',
  'Question: what color is the bus? Short answer: red',
  'Question: is the dog sleeping? Short answer: yes',
  'Question: where is the cat sitting? Short answer: on the table',
];

const questions = [
  'what color is the car?', 'what color is the sky?', 'what color are the flowers?', 'what color is the shirt?',
  'how many people are in the picture?', 'how many dogs are there?', 'how many birds are flying?',
  'is there a cat in the image?', 'is the man wearing a hat?', 'is it raining?', 'is the light on?',
  'what is the woman holding?', 'what is on the plate?', 'what sport is being played?', 'what animal is this?',
  'where is the boat?', 'where are the people standing?', 'what time of day is it?', 'what room is this?',
  'what is the weather like?', 'which hand is the boy using?', 'who is riding the horse?',
  'what is written on the sign?', 'what brand is the phone?', 'what number is on the train?',
  'why is the street wet?', 'does the girl look happy?', 'are the trees green?', 'can you see the ocean?',
  'what kind of food is this?', 'what is the child eating?', 'how old is the building?',
  'what is happening in this video?', 'what is the person doing in the video?', 'who is cooking in the kitchen?',
];

const answers = [
  'yes', 'no', 'red', 'blue', 'green', 'white', 'black', 'yellow', 'brown', 'gray', 'orange', 'pink', 'purple',
  'one', 'two', 'three', 'four', 'five', 'six', 'ten', '0', '1', '2', '3', '4', '5', '12', '100',
  'dog', 'cat', 'horse', 'bird', 'cow', 'sheep', 'elephant', 'giraffe', 'zebra', 'bear',
  'man', 'woman', 'boy', 'girl', 'people', 'child', 'player', 'chef',
  'tennis', 'baseball', 'soccer', 'skiing', 'surfing', 'skateboarding', 'frisbee',
  'pizza', 'sandwich', 'banana', 'apple', 'cake', 'donut', 'broccoli', 'hot dog',
  'kitchen', 'bathroom', 'bedroom', 'living room', 'street', 'beach', 'park', 'field', 'water', 'snow',
  'table', 'chair', 'couch', 'bed', 'umbrella', 'phone', 'laptop', 'book', 'clock', 'bus', 'train', 'car',
  'day', 'night', 'morning', 'sunny', 'cloudy', 'rainy', 'left', 'right', 'on the table', 'in the water',
  'playing', 'eating', 'walking', 'running', 'sitting', 'standing', 'cooking', 'dancing', 'talking',
];

const captions = [
  'A man riding a wave on top of a surfboard.',
  'Two dogs are playing with a frisbee in the park.',
  'A red bus is parked on the side of the street.',
  'A woman is holding an umbrella in the rain.',
  'A plate of food with broccoli and rice on a wooden table.',
  'A group of people standing around a kitchen cooking dinner.',
  'The giraffe is eating leaves from a tall tree.',
  'A small cat is sleeping on the couch next to a laptop.',
  'A train is coming down the tracks at night.',
  'A boy is skateboarding down the road in the morning.',
  'The clock on the tower shows that it is twelve o\'clock.',
  'A person is dancing while other people are talking and walking.',
  'There are three elephants walking in the water near the beach.',
  'The sign says stop, and the light is green.',
  'She is wearing a white shirt and a black hat.',
];

/** The training text: each answer joined to a question so merges cover both shapes the harness prompts with. */
export function tokenizerCorpus(): string[] {
  const lines: string[] = [...promptPhrases, ...captions];
  for (let index = 0; index < questions.length; index++) {
    const answer = answers[(index * 7) % answers.length];
    lines.push(`[image] based on the picture, ${questions[index]} short answer: ${answer}`);
  }
  for (const answer of answers) lines.push(`The answer is ${answer}.`);
  return lines;
}
