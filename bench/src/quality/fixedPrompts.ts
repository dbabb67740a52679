/**
 * The fixed prompts of every grid run (TinyStories-style, like the training data). Repeat r of a
 * cell uses prompt r and seed r, so every setting is judged on the same inputs; a prompt of P
 * tokens is the first P tokens of its text.
 */
export const fixedPrompts: ReadonlyArray<string> = [
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her red ball. One sunny day, she saw a big dog sitting under a tree. The dog looked sad and lonely. Lily walked up to the dog and said, \"Hello, dog! Why are you sad?\" The dog wagged its tail a little and looked at the ball. Lily smiled and threw the ball",
  "Tom had a small boat that he kept by the lake. Every morning he would go down to the water and check if the boat was still there. One day, the wind was very strong and the water was full of waves. Tom was scared, but his mom held his hand and told him that the boat was safe. They sat on a rock and watched the birds fly over the lake. Then Tom saw",
  "In a quiet town, there lived an old cat named Max. Max liked to sleep in the warm sun by the window of the bakery. The baker was a kind woman who gave Max a bit of bread every day. One morning, Max woke up and the bakery was dark. The door was closed and there was no smell of bread. Max was worried. He jumped down from the window and went to look for",
  "Sam and his sister Mia wanted to build the biggest sand castle on the beach. They took their buckets and spades and started to dig. Mia made the walls and Sam made the towers. When the castle was almost done, a big wave came and washed away one of the towers. Sam was sad and wanted to cry, but Mia said they could build it again, even better. So they worked together and",
  "Ben found a shiny key in the garden behind his house. He did not know what the key could open. He showed it to his grandpa, who looked at it for a long time and then smiled. \"This key opens the old box in the attic,\" said grandpa. Ben was very excited. They climbed the stairs to the attic, where it was dusty and dark. Grandpa pulled a big wooden box out from under a blanket and",
]
